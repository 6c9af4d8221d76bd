// ml-kmeans declares its types only through package.json "exports", which this project's
// module resolution (node) does not read; its types are re-exported from their file here,
// while the runtime import stays 'ml-kmeans'.
declare module 'ml-kmeans' {
  export * from 'ml-kmeans/lib/index';
}
