/**
 * Where `--out` goes: never over an input, and always whole. writeFile
 * truncates the target first and then writes, so a report that fails half-way
 * (a full disk, Ctrl-C) leaves a torn file, and two reports writing the same
 * path at once can interleave their bytes. Writing a temporary file in the
 * same folder and renaming it over the target avoids both: rename(2) replaces
 * the target in one step on the same file system, so readers see the old
 * file or the new one, never a part.
 */
import { open, realpath, rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";

/**
 * Six random bytes in hex, from the global Web Crypto object: it loads
 * node:crypto on first use, where an import loaded it (~30 ms) at the start
 * of every report, most of which write no file.
 */
function randomHex(): string {
  return Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(6))).toString("hex");
}

/** Writes `text` to `path` through a temporary file beside it; on failure the temporary file is removed and `path` is as it was. */
export async function writeFileWhole(path: string, text: string): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomHex()}.tmp`);
  const handle = await open(temporary, "wx");
  try {
    try {
      await handle.writeFile(text, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}

interface PathIdentity {
  /** The real path (symbolic links resolved), or for a path that does not exist yet, its folder's real path and its name. */
  real: string;
  /** Device and inode of an existing path: the same file under another name (a hard link) has the same. */
  file?: { dev: number; ino: number };
  isDirectory: boolean;
}

async function identify(path: string): Promise<PathIdentity> {
  const absolute = resolve(path);
  try {
    const real = await realpath(absolute);
    const stats = await stat(real);
    return { real, file: { dev: stats.dev, ino: stats.ino }, isDirectory: stats.isDirectory() };
  } catch {
    const folder = await realpath(dirname(absolute)).catch(() => dirname(absolute));
    return { real: join(folder, basename(absolute)), isDirectory: false };
  }
}

/**
 * The first of `inputs` that writing `out` would overwrite: the same file
 * (by real path, or by device and inode), or a folder `out` lies inside.
 * Null when `out` touches none of them.
 */
export async function inputOverwrittenBy(out: string, inputs: readonly string[]): Promise<string | null> {
  const target = await identify(out);
  for (const input of inputs) {
    const source = await identify(input);
    const sameFile =
      target.real === source.real ||
      (target.file !== undefined &&
        source.file !== undefined &&
        target.file.dev === source.file.dev &&
        target.file.ino === source.file.ino);
    const fromFolder = relative(source.real, target.real);
    const insideFolder =
      source.isDirectory &&
      fromFolder !== "" &&
      fromFolder !== ".." &&
      !fromFolder.startsWith(`..${sep}`) &&
      !isAbsolute(fromFolder);
    if (sameFile || insideFolder) return input;
  }
  return null;
}
