import { FloeError } from '../../src/util/errors.js';

/** Runs `f` and returns the FloeError it throws; fails the test if it throws nothing or something else. */
export function catchError(f: () => unknown): FloeError {
  try {
    f();
  } catch (e) {
    if (e instanceof FloeError) return e;
    throw e;
  }
  throw new Error('expected a FloeError');
}
