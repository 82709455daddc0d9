/** The files the site serves for the page's file system (plugins.ts, `liveRuntime`). */
declare module 'virtual:setr-live-files' {
  const files: readonly { path: string; size: number }[];
  export default files;
}
