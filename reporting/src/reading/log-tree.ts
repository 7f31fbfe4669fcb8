/**
 * The files `--logs <path>...` names, each once: a file given twice, a file
 * inside a folder also given, a folder and its subfolder, or a link to any of
 * them is read once, with a note. Links to files and folders are followed;
 * a link back to a folder being walked is a loop and is not. Anything else a
 * folder holds (a FIFO, a socket, a device, a broken link) is never opened,
 * only counted under `skipped`. A folder that cannot be listed, inside a
 * root, makes the report incomplete; a root that cannot be read is a usage
 * error.
 */
import { closeSync, constants, openSync, readdirSync, realpathSync, statSync, type Dirent, type Stats } from "node:fs";
import { join, sep } from "node:path";
import { UsageError } from "../kernel/errors";
import { DAY_MS, HOUR_MS } from "../kernel/time";
import type { ReportWindow } from "../model/usage";
import type { RecordCollector } from "./record-collector";

/** `.../BedrockModelInvocationLogs/<region>/YYYY[/MM[/DD[/HH]]]`: a folder of the S3 layout that covers a known span of time. */
const DATED_FOLDER =
  /BedrockModelInvocationLogs[/\\][^/\\]+[/\\](\d{4})(?:[/\\](\d{2})(?:[/\\](\d{2})(?:[/\\](\d{2}))?)?)?$/;
/** Bedrock delivers records minutes after the request; a day is a wide margin for a record landing in a later folder. */
const DELIVERY_DELAY_MARGIN_MS = DAY_MS;
/**
 * `.../YYYY/MM/DD/HH/data`: where Bedrock puts request and response bodies
 * too large for the record (never log records). Told by the folder's place
 * under an hour folder in its real, absolute path, so a relative `--logs`
 * path or a link finds the same folders as an absolute one.
 */
const BODY_FOLDER = /[/\\]\d{4}[/\\]\d{2}[/\\]\d{2}[/\\]\d{2}[/\\]data(?:[/\\]|$)/;

/** The UTC span `[start, end)` a dated archive folder was delivered in, or null for any other folder. */
export function datedFolderSpan(path: string): { startMs: number; endMs: number } | null {
  const match = DATED_FOLDER.exec(path);
  if (!match) return null;
  const [year, month, day, hour] = match.slice(1).map((part) => (part === undefined ? undefined : Number(part)));
  const start = Date.UTC(year as number, (month ?? 1) - 1, day ?? 1, hour ?? 0);
  const end =
    hour !== undefined
      ? start + HOUR_MS
      : day !== undefined
        ? Date.UTC(year as number, (month as number) - 1, day + 1)
        : month !== undefined
          ? Date.UTC(year as number, month, 1)
          : Date.UTC((year as number) + 1, 0, 1);
  return { startMs: start, endMs: end };
}

/**
 * A folder delivered before the window starts holds only earlier records, so
 * it is not read (its objects are counted). One delivered well after the end
 * is skipped too; the margin covers delayed delivery.
 */
export function folderOutsideWindow(path: string, window: ReportWindow): boolean {
  const span = datedFolderSpan(path);
  return (
    span !== null &&
    (span.endMs <= window.start.getTime() || span.startMs >= window.end.getTime() + DELIVERY_DELAY_MARGIN_MS)
  );
}

/** Whether a real, absolute path lies in a `data/` folder of Bedrock's bodies. */
export function inBodyFolder(realPath: string): boolean {
  return BODY_FOLDER.test(realPath);
}

/** A file to read: where it is, and how the report names it. */
export interface LogFile {
  path: string;
  shown: string;
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}

const ALLOWED = "give a readable file or folder of Bedrock invocation log records";

/** Skipped entries of one kind, with the first one for the note. */
interface SkippedEntries {
  count: number;
  example: string;
}

const SPECIAL_ENTRY_NOTES: Record<string, string> = {
  specialFile: "FIFOs, sockets or devices",
  brokenLink: "broken links",
  symlinkLoop: "links that loop back to a folder being read",
};

export class LogTree {
  /** Real paths of the files and folders handed out or walked, so each is read once. */
  private readonly seenFiles = new Set<string>();
  private readonly seenFolders = new Set<string>();
  private readonly skippedEntries = new Map<string, SkippedEntries>();
  private readonly repeated: string[] = [];

  constructor(
    private readonly collector: RecordCollector,
    private readonly window: ReportWindow,
  ) {}

  /** The files under one `--logs` root, in a stable order; a root that cannot be read is a UsageError. */
  *files(root: string): Generator<LogFile> {
    let info: Stats;
    let real: string;
    try {
      info = statSync(root);
      real = realpathSync(root);
    } catch (error) {
      throw new UsageError(`--logs ${root}: cannot be read (${errorCode(error)}); ${ALLOWED}`, { cause: error });
    }
    if (info.isFile()) {
      if (this.seenFiles.has(real)) {
        this.repeated.push(root);
        return;
      }
      try {
        closeSync(openSync(root, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)));
      } catch (error) {
        throw new UsageError(`--logs ${root}: cannot be read (${errorCode(error)}); ${ALLOWED}`, { cause: error });
      }
      this.seenFiles.add(real);
      if (inBodyFolder(real)) this.collector.skip("bodyObject");
      else yield { path: root, shown: root };
      return;
    }
    if (!info.isDirectory()) throw new UsageError(`--logs ${root}: is neither a file nor a folder; ${ALLOWED}`);
    let entries: Dirent[];
    try {
      entries = readdirSync(root, { withFileTypes: true });
    } catch (error) {
      throw new UsageError(`--logs ${root}: cannot be read (${errorCode(error)}); ${ALLOWED}`, { cause: error });
    }
    yield* this.folder(root, real, "", entries);
  }

  /** Notes on what was read once though reached twice, and on entries that are no files or folders. */
  finish(): void {
    if (this.repeated.length > 0) {
      const [first, ...others] = this.repeated;
      this.collector.note(
        `Read once: ${this.repeated.length} path(s) reached a second time (a path given twice, a file or folder inside another --logs folder, or a link to one), e.g. ${first}${others.length > 0 ? ` and ${others.length} more` : ""}.`,
      );
    }
    for (const [reason, { count, example }] of this.skippedEntries) {
      this.collector.note(
        `Skipped ${count} ${SPECIAL_ENTRY_NOTES[reason]}, e.g. ${example}; they hold no log records (counted as ${reason}).`,
      );
    }
  }

  private skipEntry(reason: string, shown: string): void {
    this.collector.skip(reason);
    const entry = this.skippedEntries.get(reason);
    if (entry) entry.count += 1;
    else this.skippedEntries.set(reason, { count: 1, example: shown });
  }

  /** A folder at `path` whose real path is `real`, shown as `shown` under its root. */
  private *folder(path: string, real: string, shown: string, listed?: Dirent[]): Generator<LogFile> {
    if (this.seenFolders.has(real)) {
      this.repeated.push(shown === "" ? path : shown);
      return;
    }
    this.seenFolders.add(real);
    if (inBodyFolder(real)) {
      this.collector.skip("bodyObject", countFiles(path));
      return;
    }
    if (folderOutsideWindow(real, this.window)) {
      const span = datedFolderSpan(real) as { startMs: number; endMs: number };
      this.collector.skipFolder(span.startMs, span.endMs, countFiles(path));
      return;
    }
    // readdirSync: a third of async readdir's CPU time, a tenth of an opendir iteration's (~17, ~50, ~180 ms for
    // the benchmark archive's 730 folders), and this thread parses files too; a folder listing blocks it only briefly.
    let entries: Dirent[];
    try {
      entries = listed ?? readdirSync(path, { withFileTypes: true });
    } catch (error) {
      this.collector.skip("unreadableFolder");
      this.collector.markIncomplete(
        `Could not read the folder ${shown} (${errorCode(error)}); its records are missing from this report.`,
      );
      return;
    }
    // Code-unit order, the same on every machine; localeCompare's first call loads ICU's collation, ~9 ms (measured).
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const folderPath = join(path, ".");
    for (const entry of entries) {
      const entryPath = childPath(folderPath, entry.name);
      const entryShown = shown === "" ? entry.name : childPath(shown, entry.name);
      let kind: "file" | "folder" | null = entry.isFile() ? "file" : entry.isDirectory() ? "folder" : null;
      let entryReal = childPath(real, entry.name);
      if (entry.isSymbolicLink()) {
        const target = this.followLink(entryPath, entryShown);
        if (target === null) continue;
        ({ kind, real: entryReal } = target);
        if (kind === "folder" && (real === entryReal || real.startsWith(entryReal + sep))) {
          this.skipEntry("symlinkLoop", entryShown);
          continue;
        }
      }
      if (kind === "folder") {
        yield* this.folder(entryPath, entryReal, entryShown);
      } else if (kind === "file") {
        if (this.seenFiles.has(entryReal)) {
          this.repeated.push(entryShown);
          continue;
        }
        this.seenFiles.add(entryReal);
        if (inBodyFolder(entryReal)) this.collector.skip("bodyObject");
        else yield { path: entryPath, shown: entryShown };
      } else {
        this.skipEntry("specialFile", entryShown);
      }
    }
  }

  /** What a link points to, or null (counted or noted) when it points nowhere usable. */
  private followLink(path: string, shown: string): { kind: "file" | "folder" | null; real: string } | null {
    try {
      const info = statSync(path);
      return { kind: info.isFile() ? "file" : info.isDirectory() ? "folder" : null, real: realpathSync(path) };
    } catch (error) {
      const code = errorCode(error);
      if (code === "ENOENT") this.skipEntry("brokenLink", shown);
      else if (code === "ELOOP") this.skipEntry("symlinkLoop", shown);
      else {
        this.collector.skip("unreadableFile");
        this.collector.markIncomplete(`Could not read ${shown} (${code}); its records are missing from this report.`);
      }
      return null;
    }
  }
}

/**
 * join(folder, name) for a folder path as join() gives it (no separator at
 * the end but the root's) and a name from readdir (no separator, never `.`
 * or `..`): the same path without normalizing it again, which for the
 * benchmark archive's 2,500 files was most of the folder walk's time in
 * path.join.
 */
export function childPath(folder: string, name: string): string {
  if (folder === ".") return name;
  return folder.endsWith(sep) ? folder + name : folder + sep + name;
}

/** Files under a folder that is counted, not read; links are not followed, and a folder that cannot be listed counts nothing. */
function countFiles(root: string): number {
  let entries: Dirent[];
  try {
    entries = readdirSync(root, { withFileTypes: true });
  } catch {
    return 0;
  }
  let count = 0;
  for (const entry of entries) count += entry.isDirectory() ? countFiles(join(root, entry.name)) : 1;
  return count;
}
