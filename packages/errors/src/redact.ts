/**
 * Returns `url` with any password (and any query parameter whose name suggests a secret)
 * replaced by `***`, for error messages and logs. Input that is not a URL is returned with
 * everything after `//user:` up to `@` masked.
 *
 * @example
 * ```ts
 * redactUrl('postgres://app:s3cret@db:5432/mem') // 'postgres://app:***@db:5432/mem'
 * ```
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    for (const key of [...parsed.searchParams.keys()]) {
      if (/secret|password|token|key|sig|credential/i.test(key)) parsed.searchParams.set(key, '***');
    }
    return parsed.toString();
  } catch {
    return url.replace(/(\/\/[^/:@]*:)[^@/]*@/, '$1***@');
  }
}
