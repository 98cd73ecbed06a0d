/** The gst-kvs command's exit codes. */
export const ExitCode = {
  /** EOS reached, also after a signal whose EOS drained the pipeline. */
  eos: 0,
  /** A bus ERROR, a failed state change, or a stream error. */
  pipelineError: 1,
  /** Invalid command line or pipeline description (e.g. a missing element). */
  usage: 2,
  /** The first credentials could not be fetched or written, or kvssink would ignore them. */
  credentials: 3,
  /** Stopped without EOS: the EOS timeout passed, a signal came before PLAYING, or a second one. */
  stoppedWithoutEos: 4,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Help text listing the exit codes, shared by --help and docs/cli.md. */
export const EXIT_CODES_HELP = `Exit codes:
  0  EOS reached (also when a signal's EOS drained the pipeline in time)
  1  pipeline error: a bus ERROR, a failed state change, a kvssink stream error
  2  usage error or invalid pipeline description (for example a missing element)
  3  credentials error: the first credentials could not be fetched or written, or
     kvssink would ignore the credential file (access-key, iot-certificate or
     AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY set)
  4  stopped without EOS: no EOS within --eos-timeout, a signal before PLAYING,
     or a second signal`;

/** Help text listing the demo's exit codes, shared by `demo --help` and docs/cli.md. */
export const DEMO_EXIT_CODES_HELP = `Exit codes:
  0  demo passed: EOS reached, at least one fragment, no gap, every fragment signed
     with a valid key
  1  demo failed: no fragment, a gap, a fragment signed with an expired key, or a
     pipeline error
  2  usage error (with --stream: the real kvssink is not installed)
  3  credentials error, for example --lifetime under 30 s: kvssink needs 30 s left
  4  stopped without EOS: no EOS within --eos-timeout, a signal before PLAYING, or a
     second signal`;
