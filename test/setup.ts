// Loaded by mocha before every test file (.mocharc.json): makes the environment of the
// whole run safe and repeatable before the addon loads and initializes GStreamer.
import { useTestElement } from '../lib/kvs/test-element.js';

// No AWS SDK provider chain may fall through to the EC2 metadata address.
process.env.AWS_EC2_METADATA_DISABLED = 'true';

// Variables from the developer's shell would change which credentials kvssink and the AWS
// SDK pick; tests set the ones they need themselves.
for (const name of [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_PROFILE',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN',
  'GST_KVS_TEST_TIME_SCALE',
]) {
  delete process.env[name];
}

// Builds the kvssink test element if needed and points GST_PLUGIN_PATH and a private
// GST_REGISTRY at it; GStreamer reads both when the addon loads.
useTestElement();
