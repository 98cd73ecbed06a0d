// Streams a camera to Kinesis Video Streams with the ECS task role's credentials, kept
// fresh by gst-kvs. Run inside an ECS task (or with AWS_CONTAINER_CREDENTIALS_FULL_URI set):
//   node examples/stream-with-refresh.mjs my-stream
import { fromContainerMetadata } from '@aws-sdk/credential-providers';
import { KvsPipeline } from 'gst-kvs';

const streamName = process.argv[2] ?? 'gst-kvs-example';
const description =
  'v4l2src ! videoconvert ! x264enc tune=zerolatency speed-preset=veryfast key-int-max=60 ' +
  'bitrate=1000 ! h264parse ! video/x-h264,stream-format=avc,alignment=au ! ' +
  `kvssink name=kvs stream-name=${streamName}`;

const kvs = new KvsPipeline(description, { credentials: fromContainerMetadata() });

kvs.on('credentials-refreshed', ({ credentials, nextRefreshAt }) =>
  console.log(
    `credentials ${credentials.accessKeyId} until ${credentials.expiration?.toISOString()}, next refresh ${nextRefreshAt?.toISOString()}`,
  ),
);
kvs.on('credentials-error', ({ error, fatal }) =>
  console.error(`credentials error (fatal: ${fatal}): ${error.message}`),
);
kvs.on('fragment-ack', (ack) => {
  if (ack.type === 'persisted' || ack.type === 'error') {
    console.log(`fragment ${ack.type} at ${ack.timecode} ms (result ${ack.result})`);
  }
});
kvs.on('stream-error', ({ statusHex }) => console.error(`kvssink stream error ${statusHex}`));
kvs.on('error', async (error) => {
  console.error(`pipeline error from ${error.source}: ${error.message}`);
  await kvs.dispose();
  process.exitCode = 1;
});

// Drain on SIGTERM (ECS sends it before SIGKILL), so the last fragment is acknowledged.
process.once('SIGTERM', async () => {
  const eos = kvs.waitForEos(10_000);
  await kvs.sendEos();
  await eos.catch((error) => console.error(error.message));
  await kvs.dispose();
});

await kvs.play();
