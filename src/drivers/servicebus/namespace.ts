/** Where a driver's entities live: a namespace with a connection string and physical names. */
export interface ProvisionedNamespace {
  connectionString: string;
  /** Logical entity or `topic` name → the name in the namespace. */
  name(logical: string): string;
  close(): Promise<void>;
  /** Settings each address actually has, read back from the namespace (Driver.describe). */
  describe?(): Promise<Record<string, Record<string, unknown>>>;
}
