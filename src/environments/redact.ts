/** The URL with any password or key removed, for reports and logs. */
export function redact(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = "***";
    for (const name of [...url.searchParams.keys()]) {
      if (/key|secret|password|token|sas/i.test(name)) url.searchParams.set(name, "***");
    }
    return url.toString();
  } catch {
    // Not a URL: hide anything that looks like user:password@ (with or without the //).
    return raw.replace(/^([a-z][a-z0-9+.-]*:?\/*)[^@/]*@/i, "$1***@");
  }
}
