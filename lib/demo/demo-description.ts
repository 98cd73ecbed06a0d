/** Builds the demo's pipeline: 640x360 H.264 at 30 fps, a key frame every second, into kvssink. */
export function demoDescription(streamName: string): string {
  return [
    'videotestsrc is-live=true',
    'video/x-raw,width=640,height=360,framerate=30/1',
    'x264enc tune=zerolatency speed-preset=ultrafast key-int-max=30 bitrate=800',
    'h264parse',
    'video/x-h264,stream-format=avc,alignment=au',
    `kvssink name=kvs stream-name=${streamName} fragment-duration=2000`,
  ].join(' ! ');
}
