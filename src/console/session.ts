/**
 * The signed-in API token lives in this tab's sessionStorage only: it is never rendered, never
 * put in a URL, and goes when the tab closes or on sign-out.
 */
const KEY = 'floe.console.token';

export function readToken(): string | undefined {
  try {
    return sessionStorage.getItem(KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

export function saveToken(token: string): void {
  sessionStorage.setItem(KEY, token);
}

export function forgetToken(): void {
  sessionStorage.removeItem(KEY);
}
