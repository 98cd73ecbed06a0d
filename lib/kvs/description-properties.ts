// Reads property assignments from the text of a gst-launch description, for the cases
// where an element's current value cannot tell "set by the user" from "default".

import { propertyNamePattern } from '../redact-description.js';

/**
 * Checks whether the description assigns `property` anywhere (`property=value`, spaces allowed
 * around "=", "_" for "-"). The check is textual, so it cannot tell which element the
 * assignment is for. `property` is a plain name of letters, digits and "-".
 */
export function descriptionSetsProperty(description: string, property: string): boolean {
  return new RegExp(`(^|[\\s!])${propertyNamePattern(property)}\\s*=`).test(description);
}
