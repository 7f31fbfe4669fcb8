/**
 * A real S3 API on 127.0.0.1 for integration tests: s3rver in this process,
 * on a free port, storing in a temp folder, reached through the AWS SDK's
 * S3Client (path-style, dummy credentials). It records every request it
 * serves and can answer chosen ones with S3's own AccessDenied error.
 */
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import crypto from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";

export interface ServedRequest {
  method: string;
  bucket: string;
  key: string;
  query: URLSearchParams;
}

interface ListOptions {
  delimiter?: string;
  prefix?: string;
  maxKeys?: number;
  startAfter?: string;
}
interface ListResult {
  objects: Array<{ key: string }>;
  commonPrefixes: string[];
  isTruncated: boolean;
}
interface FilesystemStoreClass {
  prototype: { listObjects(bucket: string, options: ListOptions): Promise<ListResult> };
}

const FilesystemStore = createRequire(__filename)("s3rver/lib/stores/filesystem") as FilesystemStoreClass;

/**
 * Two defects of s3rver 3.7.1 (its last release), fixed for the server's
 * lifetime and undone by close(); neither touches the client under test:
 * - its continuation tokens are DES-encrypted, which OpenSSL 3 (Node 17+)
 *   refuses without the legacy provider. Three-key DES with K1 = K2 = K3 is
 *   single DES, so the tokens stay exactly what s3rver meant.
 * - with a Delimiter it does not descend below a would-be common prefix, so
 *   it only reports common prefixes that have an object directly beneath.
 *   The fix lists without the delimiter and folds keys into prefixes, as S3
 *   does; the tests' delimiter listings are a handful of folders, never paged.
 */
function patchS3rver(): () => void {
  const { createCipheriv, createDecipheriv } = crypto;
  const asTripleDes = (algorithm: string, key: crypto.CipherKey): [string, crypto.CipherKey] =>
    algorithm === "des"
      ? ["des-ede3-cbc", Buffer.concat([key as Buffer, key as Buffer, key as Buffer])]
      : [algorithm, key];
  const patchedCrypto = crypto as { createCipheriv: unknown; createDecipheriv: unknown };
  patchedCrypto.createCipheriv = (algorithm: string, key: crypto.CipherKey, iv: crypto.BinaryLike | null) =>
    createCipheriv(...asTripleDes(algorithm, key), iv);
  patchedCrypto.createDecipheriv = (algorithm: string, key: crypto.CipherKey, iv: crypto.BinaryLike | null) =>
    createDecipheriv(...asTripleDes(algorithm, key), iv);

  const { listObjects } = FilesystemStore.prototype;
  FilesystemStore.prototype.listObjects = async function (this: unknown, bucket, options) {
    const { delimiter, prefix = "", maxKeys = Infinity } = options;
    if (!delimiter) return listObjects.call(this, bucket, options);
    const all = await listObjects.call(this, bucket, { ...options, delimiter: "", maxKeys: Infinity });
    const commonPrefixes = new Set<string>();
    const objects = all.objects.filter(({ key }) => {
      const cut = key.indexOf(delimiter, prefix.length);
      if (cut >= 0) commonPrefixes.add(key.slice(0, cut + delimiter.length));
      return cut < 0;
    });
    if (objects.length + commonPrefixes.size > maxKeys)
      throw new Error("test S3: a paged delimiter listing is not supported");
    return { objects, commonPrefixes: [...commonPrefixes].sort(), isTruncated: false };
  };

  return () => {
    patchedCrypto.createCipheriv = createCipheriv;
    patchedCrypto.createDecipheriv = createDecipheriv;
    FilesystemStore.prototype.listObjects = listObjects;
  };
}

const ACCESS_DENIED =
  '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>TEST</RequestId></Error>';

export class LocalS3 {
  readonly requests: ServedRequest[] = [];
  /** Requests this returns true for get 403 AccessDenied instead of an answer. */
  deny: ((request: ServedRequest) => boolean) | null = null;
  /** Object downloads (GET with a key) being served right now, and the most at once since the last reset. */
  downloadsInFlight = 0;
  maxDownloadsInFlight = 0;

  private readonly server: Server;
  endpoint = "";

  private constructor(
    private readonly directory: string,
    private readonly unpatch: () => void,
  ) {
    const handle = new S3rver({ directory, silent: true }).callback();
    this.server = createServer((request, response) => this.serve(request, response, handle));
    // Node closes idle keep-alive sockets after 5 s; on a loaded machine the SDK can reuse one just as it closes
    // (ECONNRESET), which a client with one attempt reports as a failure. Idle sockets stay open until close().
    this.server.keepAliveTimeout = 0;
  }

  static async start(): Promise<LocalS3> {
    const local = new LocalS3(await mkdtemp(join(tmpdir(), "local-s3-")), patchS3rver());
    await new Promise<void>((resolve) => local.server.listen(0, "127.0.0.1", resolve));
    local.endpoint = `http://127.0.0.1:${(local.server.address() as AddressInfo).port}`;
    return local;
  }

  private serve(request: IncomingMessage, response: ServerResponse, handle: ReturnType<S3rver["callback"]>): void {
    const url = new URL(request.url ?? "/", this.endpoint);
    const [, bucket = "", ...key] = url.pathname.split("/");
    const served: ServedRequest = {
      method: request.method ?? "GET",
      bucket,
      key: decodeURIComponent(key.join("/")),
      query: url.searchParams,
    };
    this.requests.push(served);
    if (this.deny?.(served)) {
      response.writeHead(403, { "content-type": "application/xml" });
      response.end(ACCESS_DENIED);
      return;
    }
    if (served.method === "GET" && served.key !== "") {
      this.downloadsInFlight += 1;
      this.maxDownloadsInFlight = Math.max(this.maxDownloadsInFlight, this.downloadsInFlight);
      response.on("close", () => (this.downloadsInFlight -= 1));
    }
    handle(request, response);
  }

  /** A client as the report builds one, pointed here. */
  client(): S3Client {
    return new S3Client({
      region: "us-east-1",
      endpoint: this.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
      maxAttempts: 1,
    });
  }

  /** Creates the bucket and puts the objects, a few dozen at a time. */
  async upload(bucket: string, objects: Array<{ key: string; body: Buffer }>): Promise<void> {
    const client = this.client();
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    for (let index = 0; index < objects.length; index += 50) {
      await Promise.all(
        objects
          .slice(index, index + 50)
          .map(({ key, body }) => client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }))),
      );
    }
    client.destroy();
  }

  /** The Prefix of every ListObjectsV2 request on the bucket (with a Delimiter: `prefix|delimiter`), in order. */
  listedPrefixes(bucket: string): string[] {
    return this.requests
      .filter((request) => request.bucket === bucket && request.query.get("list-type") === "2")
      .map((request) =>
        request.query.get("delimiter")
          ? `${request.query.get("prefix")}|${request.query.get("delimiter")}`
          : (request.query.get("prefix") ?? ""),
      );
  }

  resetLog(): void {
    this.requests.length = 0;
    this.maxDownloadsInFlight = this.downloadsInFlight;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
    this.unpatch();
    await rm(this.directory, { recursive: true, force: true });
  }
}
