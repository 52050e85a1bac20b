/** The stores a claim-check module gets (docs/patterns.md); shared with the claim-check suite. */
export { BlobNotFound, type BlobStore } from "../../core/blob-store.js";
export { azureStore, fileStore } from "../../environments/blob-store/stores.js";
