/**
 * The benchmark's floor: one Node process that only gunzips every record
 * object of the archive (zlib, the library this project uses too), one after
 * the other, and counts bytes and lines. No parsing, no thread pool. Each
 * object goes into one output buffer sized from its gzip trailer, the fastest
 * single-threaded gunzip we measured (no joining of 16 KB pieces).
 *
 *   node bench/.cache/build/gunzip-floor.js <archive-dir>
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";

/** Record objects in a stable order; `data/` folders hold bodies, not records. */
function recordObjects(root: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(root, entry.name);
    if (entry.isDirectory() && entry.name !== "data") found.push(...recordObjects(path));
    else if (entry.isFile() && entry.name.endsWith(".json.gz")) found.push(path);
  }
  return found;
}

function main(): void {
  const [root] = process.argv.slice(2);
  if (!root) throw new Error("usage: gunzip-floor <archive-dir>");
  let compressedBytes = 0;
  let bytes = 0;
  let lines = 0;
  const objects = recordObjects(root);
  for (const path of objects) {
    const compressed = readFileSync(path);
    const size = compressed.readUInt32LE(compressed.length - 4);
    const text = gunzipSync(compressed, { chunkSize: Math.max(size + 1, 64 * 1024) });
    compressedBytes += compressed.length;
    bytes += text.length;
    for (let at = text.indexOf(10); at >= 0; at = text.indexOf(10, at + 1)) lines += 1;
  }
  process.stdout.write(`${JSON.stringify({ objects: objects.length, compressedBytes, bytes, lines })}\n`);
}

main();
