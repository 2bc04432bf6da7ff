/** The WAL's file-system layer (see wal.ts), apart so tests can inject their own. */
import * as nodeFs from "node:fs";

/**
 * The file-system calls the WAL makes, injectable so a test can record their order (fsync before
 * acknowledgement, folder fsync on segment create/remove) or make them fail.
 */
export interface WalFs {
  mkdirSync(dir: string): void;
  readdirSync(dir: string): string[];
  readFileSync(path: string): Buffer;
  /** Opens (creating) a segment for appending. */
  openAppend(path: string): number;
  closeSync(fd: number): void;
  write(fd: number, buf: Buffer, off: number, len: number, cb: (err: NodeJS.ErrnoException | null, written: number) => void): void;
  fdatasync(fd: number, cb: (err: NodeJS.ErrnoException | null) => void): void;
  ftruncateSync(fd: number, len: number): void;
  truncateSync(path: string, len: number): void;
  unlinkSync(path: string): void;
  /** fsyncs a folder, so the creation or removal of a file in it survives a power loss. */
  fsyncDir(dir: string): void;
}

export const nodeWalFs: WalFs = {
  mkdirSync: (dir) => void nodeFs.mkdirSync(dir, { recursive: true }),
  readdirSync: (dir) => nodeFs.readdirSync(dir),
  readFileSync: (path) => nodeFs.readFileSync(path),
  openAppend: (path) => nodeFs.openSync(path, "a"),
  closeSync: (fd) => nodeFs.closeSync(fd),
  write: (fd, buf, off, len, cb) => nodeFs.write(fd, buf, off, len, null, cb),
  fdatasync: (fd, cb) => nodeFs.fdatasync(fd, cb),
  ftruncateSync: (fd, len) => nodeFs.ftruncateSync(fd, len),
  truncateSync: (path, len) => nodeFs.truncateSync(path, len),
  unlinkSync: (path) => nodeFs.unlinkSync(path),
  fsyncDir: (dir) => {
    const fd = nodeFs.openSync(dir, "r");
    try {
      nodeFs.fsyncSync(fd);
    } finally {
      nodeFs.closeSync(fd);
    }
  },
};
