/** The repository root (the folder holding package.json, engine/, models/, data/...). */
export declare const REPO_ROOT: string;
/** Build outputs (git-ignored): worker bundles. */
export declare const DIST_DIR: string;
/** Shared outside reference data (validation cases, research notes), beside the clone. */
export declare const SHARED_DIR: string;
