import { chmod, writeFile } from 'node:fs/promises';

/** log4cplus levels, from least to most verbose. */
export const KVS_LOG_LEVELS = ['ERROR', 'WARN', 'INFO', 'DEBUG', 'TRACE'] as const;

export type KvsLogLevel = (typeof KVS_LOG_LEVELS)[number];

export interface KvsLogOptions {
  /** Default INFO: DEBUG and TRACE print every request's Authorization header and session token. */
  level?: KvsLogLevel;
  /** Log file (rolled at 10 MB, 3 backups). Default: standard error. */
  file?: string;
}

const LAYOUT = '%D{%Y-%m-%d %H:%M:%S.%q} [%t] %-5p %c - %m%n';

/** Builds a log4cplus properties file that keeps kvssink off standard output. */
export function formatLogConfig(options: KvsLogOptions = {}): string {
  const level = options.level ?? 'INFO';
  if (!KVS_LOG_LEVELS.includes(level)) {
    throw new RangeError(
      `Invalid kvssink log level "${String(level)}": use one of ${KVS_LOG_LEVELS.join(', ')}`,
    );
  }
  const appender = 'log4cplus.appender.KvsAppender';
  const lines = [`log4cplus.rootLogger=${level}, KvsAppender`];

  if (options.file === undefined) {
    lines.push(`${appender}=log4cplus::ConsoleAppender`, `${appender}.logToStdErr=true`);
  } else {
    // log4cplus reads backslashes in property values as escapes.
    const file = options.file.replaceAll('\\', '\\\\');
    lines.push(
      `${appender}=log4cplus::RollingFileAppender`,
      `${appender}.File=${file}`,
      `${appender}.MaxFileSize=10MB`,
      `${appender}.MaxBackupIndex=3`,
    );
  }

  lines.push(
    `${appender}.layout=log4cplus::PatternLayout`,
    `${appender}.layout.ConversionPattern=${LAYOUT}`,
  );
  return `${lines.join('\n')}\n`;
}

/** Writes the log4cplus configuration to `path` with mode 0600. */
export async function writeLogConfig(path: string, options: KvsLogOptions = {}): Promise<void> {
  await writeFile(path, formatLogConfig(options), { mode: 0o600 });

  // The mode given to writeFile applies only when it creates the file.
  await chmod(path, 0o600);
}
