// Reads property assignments from the text of a gst-launch description, for the cases
// where an element's current value cannot tell "set by the user" from "default".

const ESCAPE = /[.*+?^${}()|[\]\\]/g;

/**
 * Checks whether the description assigns `property` anywhere (`property=value`, spaces allowed
 * around "="). The check is textual, so it cannot tell which element the assignment is for.
 */
export function descriptionSetsProperty(description: string, property: string): boolean {
  const name = property.replace(ESCAPE, '\\$&');
  return new RegExp(`(^|[\\s!])${name}\\s*=`).test(description);
}
