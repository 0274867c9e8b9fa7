// Runs a wasm32-wasip1 program (a test harness built by cargo) under Node's node:wasi.
// Used as CARGO_TARGET_WASM32_WASIP1_RUNNER: `node .ci/wasi-run.mjs prog.wasm [args...]`.
// A fresh host directory is preopened as /tmp (and TMPDIR points there), so lock files
// live in a capability directory as they would for a sandboxed WASI service.
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WASI } from 'node:wasi';
import { argv, env, exit } from 'node:process';

const [wasmPath, ...args] = argv.slice(2);
if (!wasmPath) {
  console.error('usage: node .ci/wasi-run.mjs PROGRAM.wasm [ARGS...]');
  exit(64);
}
const host = await mkdtemp(join(tmpdir(), 'lockstamp-wasi-'));
const wasi = new WASI({
  version: 'preview1',
  args: [wasmPath, ...args],
  env: { ...env, TMPDIR: '/tmp', RUST_BACKTRACE: '1' },
  preopens: { '/tmp': host },
  returnOnExit: true,
});
let code = 1;
try {
  const module = await WebAssembly.compile(await readFile(wasmPath));
  const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
  code = wasi.start(instance);
} finally {
  await rm(host, { recursive: true, force: true });
}
exit(code);
