// Builds and loads the kvssink test element: a GStreamer plugin (test/fixtures/kvssink) that
// registers as `kvssink` and follows the real kvssink's credential contract without any
// network, for tests and the `gst-kvs demo` command.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Environment variable that divides the test element's 40-minute re-read period when > 1. */
export const TEST_ELEMENT_TIME_SCALE_ENV = 'GST_KVS_TEST_TIME_SCALE';

/** Paths of the built test element and of the private GStreamer registry that lists it. */
export interface TestElementEnvironment {
  pluginDir: string;
  registry: string;
}

const BUILD_SCRIPT = join('scripts', 'build-test-element.sh');

const MISSING_TOOLS_HELP =
  'install a C compiler (build-essential), pkg-config and the GStreamer development files ' +
  '(libgstreamer1.0-dev, libgstreamer-plugins-base1.0-dev), for example with ' +
  'scripts/install-deps.sh';

// The compiled file is dist/lib/kvs/test-element.js and the source lib/kvs/test-element.ts,
// so the package root is the nearest parent that contains the build script.
function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));

  while (!existsSync(join(dir, BUILD_SCRIPT))) {
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(`${BUILD_SCRIPT} not found above ${fileURLToPath(import.meta.url)}`);
    }
    dir = parent;
  }
  return dir;
}

function commandWorks(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function checkBuildTools(): void {
  const missing: string[] = [];

  if (!commandWorks('cc', ['--version'])) missing.push('cc');
  if (!commandWorks('pkg-config', ['--version'])) {
    missing.push('pkg-config');
  } else if (!commandWorks('pkg-config', ['--exists', 'gstreamer-1.0', 'gstreamer-base-1.0'])) {
    missing.push('the GStreamer development files (pkg-config gstreamer-1.0 gstreamer-base-1.0)');
  }

  if (missing.length > 0) {
    throw new Error(
      `Cannot build the kvssink test element: missing ${missing.join(', ')}; ${MISSING_TOOLS_HELP}`,
    );
  }
}

/**
 * Builds the kvssink test element into build-test-element/ of the package, if it is missing or
 * a source is newer than the library, and returns where it is. Runs synchronously, and the
 * build output goes to stderr. Each call checks again, so edited sources are rebuilt.
 *
 * @throws Error naming what to install when cc, pkg-config or the GStreamer development files
 *   are missing, or when the compiler fails.
 */
export function buildTestElement(): TestElementEnvironment {
  const root = findPackageRoot();
  const pluginDir = join(root, 'build-test-element');

  let printedDir: string;

  checkBuildTools();
  try {
    // The script prints only the output directory on stdout, and compiler messages go to stderr.
    const stdout = execFileSync('bash', [join(root, BUILD_SCRIPT), pluginDir], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    printedDir = stdout.trim().split('\n').pop() ?? '';
  } catch (error) {
    throw new Error(`Building the kvssink test element failed (${BUILD_SCRIPT} ${pluginDir})`, {
      cause: error,
    });
  }

  if (printedDir !== pluginDir) {
    throw new Error(`${BUILD_SCRIPT} built into ${printedDir}, expected ${pluginDir}`);
  }

  return { pluginDir, registry: join(pluginDir, 'registry.bin') };
}

/**
 * Builds the test element, then points GStreamer at it in `env`: prepends its directory to
 * GST_PLUGIN_PATH and sets GST_REGISTRY to a private registry, so a system-wide kvssink is
 * never mixed with it. GStreamer reads both once, at initialization: call this before the
 * addon loads. Calling it again with the same `env` changes nothing.
 *
 * @example
 * useTestElement(); // first thing in a test setup file or demo command
 * const { Pipeline } = await import('gst-kvs');
 */
export function useTestElement(env: NodeJS.ProcessEnv = process.env): TestElementEnvironment {
  const element = buildTestElement();
  const pluginPath = env.GST_PLUGIN_PATH;
  const entries = pluginPath ? pluginPath.split(delimiter) : [];

  if (entries[0] !== element.pluginDir) {
    env.GST_PLUGIN_PATH = [element.pluginDir, ...entries].join(delimiter);
  }
  env.GST_REGISTRY = element.registry;
  return element;
}
