/**
 * Limits of kvssink's credential file reader (Kinesis Video Streams producer SDK C++ 3.6.0,
 * producer-c 1.6.2). The session token limit is 2047 because a 2048-character token, though
 * read, makes request signing fail (observed with kvssink 3.6.0).
 */
export const KVSSINK_LIMITS = {
  accessKeyId: 128,
  secretAccessKey: 128,
  sessionToken: 2047,
  /** The whole file must be shorter than this many bytes. */
  fileBytes: 10000,
  /** kvssink rejects credentials that expire sooner than this when it reads them. */
  minLifetimeSeconds: 30,
} as const;

/** kvssink (producer-c) status codes for credential file failures. */
export const KVSSINK_STATUS = {
  expirationInPast: 0x15000017,
  expirationParsingFailed: 0x15000018,
  fileOpenFailed: 0x15000022,
  invalidFileLength: 0x15000023,
  invalidFileFormat: 0x15000024,
  invalidAuthLength: 0x15000025,
  timestampUnrecognizedFormat: 0x16000005,
  expiringTooSoon: 0x52000040,
} as const;

/** Marker that starts every kvssink credential file. */
export const KVSSINK_FILE_MARKER = 'CREDENTIALS';

/** Length of the expiration token, 'YYYY-MM-DDTHH:MM:SSZ'. */
export const KVSSINK_EXPIRATION_LENGTH = 20;
