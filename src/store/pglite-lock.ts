/**
 * PGlite is an embedded, single-process database: two processes writing one data folder
 * would corrupt it. A lock file holding the owner's pid keeps a second `glasslog serve`
 * out; a lock left by a crashed process (its pid no longer runs) is taken over.
 */
import fs from 'node:fs';
import path from 'node:path';

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock on `dir`; returns its release function. Throws if another live process holds it. */
export function lockDataDir(dir: string): () => void {
  const file = path.join(dir, 'glasslog.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => fs.rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(fs.readFileSync(file, 'utf8'));
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && running(owner)) {
        throw new Error(
          `the embedded database in ${dir} is in use by process ${owner}; PGlite serves one process at a time ` +
            '(stop that process, or use --database-url with PostgreSQL to run several instances)',
        );
      }
      fs.rmSync(file, { force: true });
    }
  }
  throw new Error(`could not take the lock ${file}`);
}
