/** What a `$management` operation answers: a status code, an error condition, a body. */
export interface ManagementReply {
  status: number;
  description?: string;
  condition?: string;
  body?: unknown;
}

export const ok = (body?: unknown): ManagementReply => ({ status: 200, description: "OK", body });
export const fail = (status: number, condition: string, description: string): ManagementReply => ({ status, condition, description });
