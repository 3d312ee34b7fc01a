/**
 * The neurolab Jupyter kernel, assembled from tslab's converter, executor and ZMQ server
 * with tslab's protocol gaps fixed: execute_result / error messages, stop_on_error that
 * aborts only already-queued requests, comm_info / history replies, and output routing
 * through {@link CellOutput} so `display()` reaches the current cell.
 */
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { format } from "node:util";
import { getHeapStatistics } from "node:v8";
import { versions } from "tslab";
import { createExecutor, type Executor } from "tslab/dist/executor";
import { JupyterHandlerImpl, ZmqServer } from "tslab/dist/jupyter";
import { CellCompiler, NOCHECK_MAGIC, stripNocheckMagic } from "./cells.js";
import {
  diagnosticLines,
  diagnosticsError,
  renameError,
  thrownError,
  typeCheckError,
  type CellError,
} from "./errors.js";
import { History, type HistoryRequest } from "./history.js";
import { completeReply, inspectReply, type Introspector } from "./introspect.js";
import { abortInterruptSignal, KeyboardInterrupt } from "./interrupt.js";
import { MEMORY_ADVICE, MEMORY_ENV, MemoryGuard } from "./memory.js";
import { currentCellOutput, setCellOutput, toMimeBundle, type CellOutput } from "./output.js";
import { stopOpenBars } from "./progress.js";
import { exposeBundledPackages } from "./resolve.js";
import { typeCheck } from "./settings.js";

/** This kernel's version (from kernel/package.json). */
export const KERNEL_VERSION: string = JSON.parse(
  fs.readFileSync(path.join(__dirname, "..", "package.json"), "utf8"),
).version;

const writeStderr = process.stderr.write.bind(process.stderr);

/** Logs to the kernel's real stderr (the Jupyter server's log), never to a cell. */
function log(...args: unknown[]): void {
  writeStderr(`[neurolab-kernel] ${format(...args)}\n`);
}

// ---------------------------------------------------------------- wire protocol

const DELIM = "<IDS|MSG>";
const KERNEL_SESSION = randomUUID();

interface Header {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
}

type Frames = (Buffer | string)[];
type Socket = { send(frames: Frames): Promise<void> };

/**
 * Sends in order on a zeromq.js socket, which accepts one send at a time: after 512
 * synchronous sends without the event loop turning (a cell printing in a loop, progress
 * updates during a synchronous run) its next send is delayed and the following one throws
 * EBUSY. Those messages wait here and go out when the pending send completes.
 */
class SendQueue implements Socket {
  private readonly backlog: Frames[] = [];
  private last: Promise<void> = Promise.resolve();

  constructor(private readonly sock: Socket) {}

  send(frames: Frames): Promise<void> {
    if (this.backlog.length === 0 && this.trySend(frames)) return this.last;
    this.backlog.push(frames);
    if (this.backlog.length === 1) void this.flush();
    return Promise.resolve();
  }

  /** Hands `frames` to zeromq; false when it is busy with a previous send. */
  private trySend(frames: Frames): boolean {
    try {
      this.last = this.sock.send(frames).catch((e) => log("send failed:", e));
      return true;
    } catch (e) {
      if ((e as { code?: string }).code === "EBUSY") return false;
      log("send failed:", e);
      return true; // dropped
    }
  }

  private async flush(): Promise<void> {
    while (this.backlog.length > 0) {
      await this.last;
      if (this.trySend(this.backlog[0])) this.backlog.shift();
      else await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

function sign(key: string, parts: string[]): string {
  if (!key) return "";
  const hmac = createHmac("sha256", key);
  for (const part of parts) hmac.update(part);
  return hmac.digest("hex");
}

/** A Jupyter wire-protocol message; structurally compatible with tslab's ZmqMessage. */
class Message {
  readonly delim = DELIM;
  hmac = "";

  constructor(
    public identity: Buffer[],
    public header: Header,
    public parent: Partial<Header>,
    public metadata: Record<string, unknown>,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON whose shape depends on msg_type; each handler reads its own fields
    public content: any,
    public extra: Buffer[] = [],
  ) {}

  /** Parses and authenticates the frames received on a ROUTER socket. */
  static parse(key: string, frames: Buffer[]): Message {
    const d = frames.findIndex((f) => f.length === DELIM.length && f.toString() === DELIM);
    if (d < 0) throw new Error("message without <IDS|MSG> delimiter");
    const signature = frames[d + 1].toString();
    const parts = frames.slice(d + 2, d + 6).map(String);
    const expected = Buffer.from(sign(key, parts));
    if (
      key &&
      (signature.length !== expected.length || !timingSafeEqual(Buffer.from(signature), expected))
    ) {
      throw new Error("invalid message signature");
    }
    const [header, parent, metadata, content] = parts.map((p) => JSON.parse(p));
    return new Message(frames.slice(0, d), header, parent, metadata, content, frames.slice(d + 6));
  }

  /** A new message of `msgType` whose parent is this message. */
  child(msgType: string, content: object): Message {
    const header: Header = {
      msg_id: randomUUID(),
      session: KERNEL_SESSION,
      username: "kernel",
      date: new Date().toISOString(),
      msg_type: msgType,
      version: "5.3",
    };
    return new Message(this.identity, header, this.header, {}, content);
  }

  /** tslab's API: a reply skeleton (tslab sets msg_type and content afterwards). */
  createReply(): Message {
    return this.child(this.header.msg_type, {});
  }

  /** Signs and sends this message on `sock`. */
  signAndSend(key: string, sock: Socket): void {
    const parts = [this.header, this.parent, this.metadata, this.content].map((p) =>
      JSON.stringify(p),
    );
    sock
      .send([...this.identity, DELIM, sign(key, parts), ...parts])
      .catch((e) => log("send failed:", e));
  }
}

// ---------------------------------------------------------------- execution

/** How long an interrupt lets code holding the interrupt signal stop by itself, ms. */
const INTERRUPT_GRACE_MS = 300;

/**
 * Whether a cell's thrown `value` is the result of an interrupt: vm's SIGINT error, tslab's
 * "Interrupted asynchronously", or (when the kernel `interrupted` this cell) an AbortError
 * or KeyboardInterrupt of code that held the interrupt signal.
 */
function isInterruption(value: unknown, interrupted: boolean): boolean {
  if ((value as { code?: unknown } | null)?.code === "ERR_SCRIPT_EXECUTION_INTERRUPTED")
    return true;
  if (!interrupted || !(value instanceof Error)) return false;
  return (
    value.name === "AbortError" ||
    value.name === "KeyboardInterrupt" ||
    value.message === "Interrupted asynchronously"
  );
}

/** tslab's JupyterHandlerImpl that reports results and errors instead of printing them. */
export class NeurolabHandler extends JupyterHandlerImpl {
  private diagnostics: string[] = [];
  private thrown: { value: unknown } | undefined;
  /** Serial number of the running (or last) cell. */
  private serial = 0;
  private running = false;
  /** Serial of the last cell interrupted while running. */
  private interruptedSerial = 0;
  /** The memory guard, when enabled (see memory.ts). */
  memoryGuard: MemoryGuard | undefined;

  private constructor(
    private readonly exec: Executor,
    private readonly cells: CellCompiler,
  ) {
    super(exec, false);
  }

  /** Creates the handler with a TypeScript executor rooted at `cwd`. */
  static create(cwd: string): NeurolabHandler {
    let handler: NeurolabHandler | undefined;
    const cells = new CellCompiler();
    const exec = createExecutor(cwd, cells.converters, {
      // tslab calls log() with the cell's last expression value, error() with
      // diagnostics ("%s%d:%d - %s", file, line, col, text) and thrown values.
      log: (value: unknown) =>
        currentCellOutput()?.result({ data: toMimeBundle(value), metadata: {} }),
      error: (...args: unknown[]) => handler?.onError(args),
    });
    cells.trackAssignments();
    handler = new NeurolabHandler(exec, cells);
    return handler;
  }

  private onError(args: unknown[]): void {
    if (args[0] === "%s%d:%d - %s") this.diagnostics.push(format(...args));
    else this.thrown ??= { value: args[0] };
  }

  /** Runs a cell; resolves to its error, if any (outputs go to the current CellOutput). */
  async run(source: string): Promise<CellError | undefined> {
    const serial = ++this.serial;
    const { code, nocheck } = stripNocheckMagic(source);
    this.cells.begin(nocheck || typeCheck() === "warn");
    this.diagnostics = [];
    this.thrown = undefined;
    this.running = true;
    this.memoryGuard?.beginCell(serial);
    let ok: boolean;
    try {
      ok = await this.exec.execute(code);
    } catch (e) {
      ok = false; // e.g. a [Symbol.for("jupyter.mimebundle")]() method threw
      this.thrown = { value: e };
    } finally {
      this.running = false;
      this.memoryGuard?.endCell();
    }
    this.cells.end(ok);
    if (this.cells.ignored.length > 0) {
      const how = nocheck ? NOCHECK_MAGIC : 'typeCheck("warn")';
      const lines = diagnosticLines(this.cells.ignored, code);
      currentCellOutput()?.stream("stderr", `type errors ignored (${how}):\n${lines.join("\n")}\n`);
    }
    if (ok && this.diagnostics.length > 0) {
      // `//%module` cells are registered despite type errors: show them as warnings.
      currentCellOutput()?.stream("stderr", this.diagnostics.join("\n") + "\n");
    }
    if (ok) return undefined;
    if (this.cells.diagnostics.length > 0) return typeCheckError(this.cells.diagnostics, code);
    if (this.diagnostics.length > 0) return diagnosticsError(this.diagnostics);
    const value = this.thrown?.value ?? new Error("execution failed");
    const error = thrownError(value, code, this.cells.compiled);
    const exceeded = this.memoryGuard?.exceeded(serial);
    if (!isInterruption(value, serial === this.interruptedSerial || exceeded !== undefined)) {
      stopOpenBars("stopped by an error");
      return error;
    }
    if (exceeded) {
      stopOpenBars("stopped by the memory limit");
      // Decide now, while this cell's reply is still to be sent, whether the kernel can go on:
      // the message then always reaches the cell, never only the kernel's log.
      const after = this.memoryGuard!.settle();
      const ending = after.overHardLimit
        ? ` It still uses ${after.rssMb} MB, more than 1.25 × the limit (memory still referenced, e.g. by a ` +
          "top-level variable): the kernel ends now and Jupyter restarts it (variables are lost)."
        : "";
      if (after.overHardLimit) this.endForMemory();
      return renameError(
        error,
        "MemoryError",
        `the kernel uses ${exceeded.rssMb} MB, more than its memory limit of ${exceeded.limitMb} MB (${MEMORY_ENV}): ` +
          `the cell was interrupted.${ending} ${MEMORY_ADVICE}`,
      );
    }
    stopOpenBars("interrupted");
    return renameError(error, "KeyboardInterrupt");
  }

  /** Set once the kernel decided to end over memory. */
  endingForMemory = false;

  /** Ends the process shortly (after the current replies and messages went out). */
  endForMemory(): void {
    if (this.endingForMemory) return;
    this.endingForMemory = true;
    setTimeout(() => process.exit(1), 500);
  }

  /**
   * Interrupts the running cell (SIGINT, interrupt_request, memory guard): aborts the
   * kernel's interrupt signal, so runs holding it (`progress()`, `interruptSignal()`) stop
   * at a step boundary with their own error, and interrupts tslab's pending top-level
   * `await` at once, or after INTERRUPT_GRACE_MS when someone held the signal.
   * Synchronous code is interrupted by SIGINT itself (vm breakOnSigint), not by this.
   */
  interrupt(): void {
    const serial = this.serial;
    if (this.running) this.interruptedSerial = serial;
    const held = abortInterruptSignal(new KeyboardInterrupt("interrupted by the kernel"));
    if (!held || !this.running) return this.exec.interrupt();
    setTimeout(() => {
      if (this.running && this.serial === serial) this.exec.interrupt();
    }, INTERRUPT_GRACE_MS).unref();
  }

  /** The checker's view of the notebook, with the declarations of every earlier cell. */
  private get introspector(): Introspector {
    const node = this.cells.node;
    return {
      inspect: (src, position) => node.inspect("", src, position) ?? undefined,
      complete: (src, position) => node.complete("", src, position),
    };
  }

  /** complete_reply content: matches with their kind and (the first ones) their signature. */
  override handleComplete(req: {
    code: string;
    cursor_pos: number;
  }): ReturnType<JupyterHandlerImpl["handleComplete"]> {
    // A `%%nocheck` first line becomes a comment two characters longer: shift positions.
    const { code } = stripNocheckMagic(req.code);
    const shift = code.length - req.code.length;
    const reply = completeReply(this.introspector, code, req.cursor_pos + shift) as {
      cursor_start: number;
      cursor_end: number;
      metadata: { _jupyter_types_experimental: { start: number; end: number }[] };
    };
    reply.cursor_start -= shift;
    reply.cursor_end -= shift;
    for (const item of reply.metadata._jupyter_types_experimental) {
      item.start -= shift;
      item.end -= shift;
    }
    return reply as unknown as ReturnType<JupyterHandlerImpl["handleComplete"]>;
  }

  /** inspect_reply content: signature, docs and the fields of the parameters' option types. */
  override handleInspect(req: {
    code: string;
    cursor_pos: number;
  }): ReturnType<JupyterHandlerImpl["handleInspect"]> {
    const { code } = stripNocheckMagic(req.code);
    const shift = code.length - req.code.length;
    return inspectReply(this.introspector, code, req.cursor_pos + shift) as ReturnType<
      JupyterHandlerImpl["handleInspect"]
    >;
  }

  /** kernel_info_reply content. */
  override handleKernel(): ReturnType<JupyterHandlerImpl["handleKernel"]> & { status: "ok" } {
    return {
      status: "ok",
      protocol_version: "5.3",
      implementation: "neurolab",
      implementation_version: KERNEL_VERSION,
      language_info: {
        name: "typescript",
        version: versions.typescript,
        mimetype: "text/typescript",
        file_extension: ".ts",
        codemirror_mode: "typescript",
        pygments_lexer: "typescript",
      },
      banner: `neurolab ${KERNEL_VERSION}: TypeScript ${versions.typescript} (tslab ${versions.tslab}), Node.js ${versions.node}`,
    };
  }
}

// ---------------------------------------------------------------- server

interface Request {
  sock: Socket;
  msg: Message;
  aborted?: boolean;
}

/** Lets the zmq reader enqueue requests that had already arrived while a cell ran. */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * tslab's ZmqServer (sockets, heartbeat) with its own message dispatch: shell requests
 * are handled one at a time, each between busy/idle status messages, like ipykernel.
 */
export class NeurolabServer extends ZmqServer {
  private readonly queue: Request[] = [];
  private pumping = false;
  private executionCount = 0;
  private readonly history = new History();

  constructor(
    private readonly kernel: NeurolabHandler,
    configPath: string,
  ) {
    super(kernel, configPath);
  }

  private readonly queues = new Map<Socket, SendQueue>();

  /**
   * Binds every socket with no send high-water mark: zeromq's default (1000 messages) makes
   * a publisher drop messages silently once a subscriber falls behind; a cell publishing 2000
   * displays and 2000 updates lost several hundred of them, sometimes the execute_result and
   * the idle status (the frontend then shows the kernel busy forever). ipykernel queues
   * without limit as well. The router sockets get the same, so no reply is dropped either.
   */
  override async init(): Promise<void> {
    type Bind = (sock: { sendHighWaterMark?: number }, port: number) => Promise<void>;
    const bind = (ZmqServer.prototype as unknown as { bindSocket: Bind }).bindSocket;
    const unlimited: Bind = (sock, port) => {
      sock.sendHighWaterMark = 0;
      return bind.call(this, sock, port);
    };
    Object.defineProperty(this, "bindSocket", { value: unlimited });
    await super.init();
  }

  private send(sock: Socket, parent: Message, msgType: string, content: object): void {
    let queue = this.queues.get(sock);
    if (!queue) this.queues.set(sock, (queue = new SendQueue(sock)));
    parent.child(msgType, content).signAndSend(this.connInfo.key, queue);
  }

  /** Stream text not yet sent: consecutive writes to one stream become one message. */
  private pendingStream: { parent: Message; name: string; text: string } | null = null;
  private streamFlushScheduled = false;

  private publish(parent: Message, msgType: string, content: object): void {
    if (msgType === "stream") {
      // Coalesce writes (as ipykernel does): a loop printing thousands of lines sends a few
      // messages, not thousands, which a publisher socket could drop under load.
      const { name, text } = content as { name: string; text: string };
      const p = this.pendingStream;
      if (p && p.parent === parent && p.name === name) p.text += text;
      else {
        this.flushStream();
        this.pendingStream = { parent, name, text };
      }
      if (this.pendingStream!.text.length >= 65536) this.flushStream();
      else if (!this.streamFlushScheduled) {
        this.streamFlushScheduled = true;
        setImmediate(() => {
          this.streamFlushScheduled = false;
          this.flushStream();
        });
      }
      return;
    }
    this.flushStream(); // keeps stream output ordered before what follows it
    this.send(this.iopub, parent, msgType, content);
  }

  private flushStream(): void {
    const p = this.pendingStream;
    if (!p) return;
    this.pendingStream = null;
    this.send(this.iopub, p.parent, "stream", { name: p.name, text: p.text });
  }

  private status(state: "busy" | "idle", parent: Message): void {
    this.publish(parent, "status", { execution_state: state });
  }

  override async handleShellMessage(sock: Socket, ...frames: Buffer[]): Promise<void> {
    let msg: Message;
    try {
      msg = Message.parse(this.connInfo.key, frames);
    } catch (e) {
      return log("dropped a message:", e);
    }
    if (sock === (this.control as unknown)) return this.handleControl(sock, msg);
    this.queue.push({ sock, msg });
    if (!this.pumping) void this.pump();
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    for (let req = this.queue.shift(); req; req = this.queue.shift()) {
      this.status("busy", req.msg);
      try {
        await this.dispatch(req);
      } catch (e) {
        log(`${req.msg.header.msg_type} failed:`, e);
      }
      this.status("idle", req.msg);
    }
    this.pumping = false;
  }

  private async dispatch(req: Request): Promise<void> {
    const { sock, msg } = req;
    const type = msg.header.msg_type;
    const reply = (content: object) =>
      this.send(sock, msg, type.replace(/_request$/, "_reply"), content);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- one table of handlers of different request types (see Message.content)
    const handlers: Record<string, (content: any) => object> = {
      kernel_info_request: () => this.kernel.handleKernel(),
      is_complete_request: (c) => this.kernel.handleIsComplete(c),
      inspect_request: (c) => this.kernel.handleInspect(c),
      complete_request: (c) => this.kernel.handleComplete(c),
      comm_info_request: () => ({ status: "ok", comms: {} }),
      history_request: (c: HistoryRequest) => this.history.reply(c),
    };
    if (type === "execute_request") {
      if (req.aborted) reply({ status: "aborted" });
      else await this.execute(req);
    } else if (handlers[type]) {
      try {
        reply(handlers[type](msg.content));
      } catch (e) {
        reply({ status: "error", ...thrownError(e, "", "") });
      }
    } else if (type === "shutdown_request") {
      this.shutdown(sock, msg);
    } else if (!type.startsWith("comm_")) {
      log(`ignored unsupported ${type}`);
    }
  }

  private handleControl(sock: Socket, msg: Message): void {
    const type = msg.header.msg_type;
    if (type === "shutdown_request") this.shutdown(sock, msg);
    else if (type === "interrupt_request") {
      this.kernel.interrupt();
      this.send(sock, msg, "interrupt_reply", { status: "ok" });
    } else if (type === "kernel_info_request") {
      this.send(sock, msg, "kernel_info_reply", this.kernel.handleKernel());
    } else log(`ignored unsupported control ${type}`);
  }

  private async execute({ sock, msg }: Request): Promise<void> {
    const { code = "", silent = false, store_history = true, stop_on_error = true } = msg.content;
    const storeHistory = !silent && store_history;
    if (storeHistory) this.executionCount++;
    const count = this.executionCount;
    if (!silent) this.publish(msg, "execute_input", { code, execution_count: count });

    let resultText: string | null = null;
    setCellOutput({
      stream: (name, text) => this.publish(msg, "stream", { name, text }),
      display: (content, update) =>
        this.publish(msg, update ? "update_display_data" : "display_data", {
          transient: {},
          ...content,
        }),
      result: (content) => {
        resultText = String(content.data["text/plain"] ?? "");
        if (!silent) this.publish(msg, "execute_result", { ...content, execution_count: count });
      },
      clear: (wait) => this.publish(msg, "clear_output", { wait }),
    } satisfies CellOutput);

    const error = await this.kernel.run(code);
    if (storeHistory) this.history.add(count, code, resultText);
    if (!error) {
      this.send(sock, msg, "execute_reply", {
        status: "ok",
        execution_count: count,
        payload: [],
        user_expressions: {},
      });
      return;
    }
    this.publish(msg, "error", error);
    if (stop_on_error) {
      // Abort the execute requests of this client that were queued when the cell failed
      // (tslab instead dropped everything arriving within 200 ms).
      await settle();
      for (const queued of this.queue) {
        const h = queued.msg.header;
        if (h.msg_type === "execute_request" && h.session === msg.header.session)
          queued.aborted = true;
      }
    }
    this.send(sock, msg, "execute_reply", { status: "error", execution_count: count, ...error });
  }

  private shutdown(sock: Socket, msg: Message): void {
    this.send(sock, msg, "shutdown_reply", { status: "ok", restart: Boolean(msg.content.restart) });
    setTimeout(() => {
      this.close();
      process.exit(0);
    }, 50);
  }
}

// ---------------------------------------------------------------- process

/** Sends process.stdout / process.stderr writes to the current cell. */
function redirectStream(name: "stdout" | "stderr"): void {
  const stream = process[name];
  const write = stream.write.bind(stream);
  stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    const out = currentCellOutput();
    if (!out) return write(chunk, ...(rest as [BufferEncoding]));
    out.stream(name, typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
    const callback = rest.find((r) => typeof r === "function") as (() => void) | undefined;
    if (callback) process.nextTick(callback);
    return true;
  }) as typeof stream.write;
}

/** Reports a problem to the current cell's stderr (or the kernel log before any cell). */
function report(what: string, err: unknown): void {
  const text = `${what}: ${thrownError(err, "", "").traceback.join("\n")}\n`;
  const out = currentCellOutput();
  if (out) out.stream("stderr", text);
  else log(text);
}

/** The smallest memory limit (the idle kernel, TypeScript compiler included, uses ~250 MB). */
const MIN_MEMORY_LIMIT_MB = 512;

/** Options of {@link startKernel}. */
export interface KernelOptions {
  /** The memory guard's limit, MB (0: no guard); see memory.ts. Default: no guard. */
  memoryLimitMb?: number;
}

/**
 * Starts the kernel for the connection file at `configPath`, with notebooks' imports
 * resolved from the current directory (plus the bundled neurolab packages).
 */
export async function startKernel(
  configPath: string,
  options: KernelOptions = {},
): Promise<NeurolabServer> {
  const cwd = process.cwd();
  exposeBundledPackages(cwd);
  redirectStream("stdout");
  redirectStream("stderr");
  process.on("unhandledRejection", (reason) => report("Unhandled promise rejection", reason));
  process.on("uncaughtException", (err) => report("Uncaught exception", err));

  const kernel = NeurolabHandler.create(cwd);
  process.on("SIGINT", () => kernel.interrupt());
  let limit = options.memoryLimitMb ?? 0;
  if (limit > 0 && limit < MIN_MEMORY_LIMIT_MB) {
    log(
      `memory limit ${limit} MB is below the kernel's own needs; using ${MIN_MEMORY_LIMIT_MB} MB`,
    );
    limit = MIN_MEMORY_LIMIT_MB;
  }
  if (limit > 0) {
    const guard = new MemoryGuard(limit, (rssMb) => {
      // The main thread runs again: the cell that overflowed was interrupted or has finished.
      // Memory it left unreachable is returned by a collection; only memory still in use ends
      // the kernel.
      if (kernel.endingForMemory) return;
      const { rssMb: nowMb, overHardLimit } = guard.settle();
      const advice = MEMORY_ADVICE;
      if (!overHardLimit) {
        const text =
          `MemoryError: the kernel reached ${rssMb} MB, more than 1.25 × its memory limit of ${limit} MB (${MEMORY_ENV}), ` +
          `inside one operation that could not be interrupted; it uses ${nowMb} MB again and continues. ${advice}\n`;
        log(text.trim());
        currentCellOutput()?.stream("stderr", text);
        return;
      }
      const text =
        `MemoryError: the kernel uses ${nowMb} MB, more than 1.25 × its memory limit of ${limit} MB (${MEMORY_ENV}), ` +
        "and interrupting did not bring it back (memory still referenced, e.g. by a top-level variable, or code " +
        "allocating in the background, e.g. an async loop that ignores interruptSignal()). Ending the kernel; " +
        `Jupyter restarts it (variables are lost). ${advice}\n`;
      log(text.trim());
      currentCellOutput()?.stream("stderr", text);
      kernel.endForMemory();
    });
    kernel.memoryGuard = guard;
    const heapMb = Math.round(getHeapStatistics().heap_size_limit / 2 ** 20);
    if (heapMb < limit) {
      log(
        `memory limit ${limit} MB is above V8's heap limit (${heapMb} MB): JavaScript heap growth beyond that ` +
          "ends the kernel; reinstall the kernelspec with --memory-limit-mb to raise it",
      );
    }
  }
  const server = new NeurolabServer(kernel, configPath);
  await server.init();
  log(`ready (pid ${process.pid}, cwd ${cwd}, memory limit ${limit > 0 ? `${limit} MB` : "off"})`);
  return server;
}
