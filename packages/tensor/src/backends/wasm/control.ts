/**
 * The control block shared by the caller and the worker threads: a few Int32 words in a
 * SharedArrayBuffer, read and written only with Atomics. Job parameters are written before SEQ is
 * bumped; a worker reads SEQ, then the parameters, then claims through CLAIM.
 */
export const CONTROL = {
  /** Number of the current job (19 bits, wrapping); workers sleep on this word. */
  SEQ: 0,
  /** (job number << TAG_SHIFT) | next unclaimed task. */
  CLAIM: 1,
  /** Tasks of the current job finished; the caller sleeps on this word. */
  DONE: 2,
  /** Tasks in the current job. */
  TOTAL: 3,
  /** Index of the kernel (in the list given to the workers) and address of its job block. */
  KERNEL: 4,
  JOB: 5,
  /** Workers that have started and instantiated the module. */
  READY: 6,
  /** Set when a task threw (a trap in a kernel); the caller then reports the failure. */
  FAILED: 7,
  /** Tasks run by workers (not the caller) since the pool started: how tests see that workers work. */
  WORKER_TASKS: 8,
  WORDS: 9,
  TAG_SHIFT: 12,
  TASK_MASK: 0xfff,
  TAG_MASK: 0x7ffff,
  /**
   * How long a worker polls SEQ after a job before it sleeps, in ms. Waking a sleeping thread took
   * 0.5–1 ms on the shared development VM, as long as a mid-sized matmul, so workers stay awake
   * between the back-to-back jobs of a training step and only sleep when the caller has gone quiet.
   */
  SPIN_MS: 2,
} as const;

/** The most tasks one job may have (the claim word's task field). */
export const MAX_TASKS = CONTROL.TASK_MASK;
