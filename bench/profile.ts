/**
 * Read a V8 .cpuprofile (node --cpu-prof) and say where the CPU went: self time per function
 * (functionName + url:line), and per "area" (a src/ file, a node_modules package, node internals,
 * GC, idle).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileEntry {
  name: string;
  where: string;
  selfMs: number;
  /** Share of the non-idle samples. */
  percent: number;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  idleMs: number;
  busyMs: number;
  topFunctions: ProfileEntry[];
  topAreas: ProfileEntry[];
}

function shortUrl(url: string, root: string): string {
  if (!url) return '';
  let u = url.replace(/^file:\/\//, '');
  if (u.startsWith(root)) u = u.slice(root.length).replace(/^\//, '');
  return u;
}

function areaOf(url: string, fn: string): string {
  if (fn === '(garbage collector)') return '(garbage collector)';
  if (fn === '(idle)') return '(idle)';
  if (fn === '(program)') return '(program: native/VM)';
  if (!url) return '(native)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return `npm:${nm[1]}`;
  if (url.startsWith('node:')) return 'node internals';
  const src = /(src\/.*)$/.exec(url);
  if (src) return src[1];
  return url;
}

/**
 * Self time per function. `window` (µs of CLOCK_MONOTONIC, i.e. `process.hrtime.bigint() / 1000n`
 * in any process on Linux, the clock V8 stamps samples with) keeps only the samples taken during
 * the job, leaving out start-up (module loading through tsx) and shutdown.
 */
export function summarizeProfile(file: string, root: string, top = 10, window?: { fromUs: number; toUs: number }): ProfileSummary & { windowed: boolean; samplesInWindow: number } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  // timeDeltas[i] is the time between sample i-1 and sample i: charge it to sample i
  let t = profile.startTime;
  let inWindow = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    if (window && (t < window.fromUs || t > window.toUs)) continue;
    inWindow++;
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const fns = new Map<string, { name: string; where: string; us: number }>();
  const areas = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    total += us;
    if (functionName === '(idle)') {
      idle += us;
      continue;
    }
    const name = functionName || '(anonymous)';
    const where = url ? `${shortUrl(url, root)}:${lineNumber + 1}` : '';
    const key = `${name}@${where}`;
    const entry = fns.get(key) ?? { name, where, us: 0 };
    entry.us += us;
    fns.set(key, entry);
    const area = areaOf(shortUrl(url, root), functionName);
    areas.set(area, (areas.get(area) ?? 0) + us);
  }
  const busy = total - idle;
  const pct = (us: number) => Math.round((us / Math.max(1, busy)) * 1000) / 10;
  const ms = (us: number) => Math.round(us / 100) / 10;
  return {
    file,
    windowed: window !== undefined,
    samplesInWindow: inWindow,
    totalMs: ms(total),
    idleMs: ms(idle),
    busyMs: ms(busy),
    topFunctions: [...fns.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, selfMs: ms(f.us), percent: pct(f.us) })),
    topAreas: [...areas]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, where: '', selfMs: ms(us), percent: pct(us) })),
  };
}

/**
 * The main-thread profile in a directory: node writes one per thread
 * (CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile; thread 0 = main, tsx's loader hooks run on
 * another one). Newest main-thread file, else the largest.
 */
export function mainThreadProfile(dir: string): string | undefined {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => ({ f, file: path.join(dir, f), st: statSync(path.join(dir, f)) }));
  const main = files.filter(({ f }) => f.split('.')[4] === '0').sort((a, b) => b.st.mtimeMs - a.st.mtimeMs);
  if (main[0]) return main[0].file;
  return files.sort((a, b) => b.st.size - a.st.size)[0]?.file;
}
