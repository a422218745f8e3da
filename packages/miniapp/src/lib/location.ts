/**
 * Geofenced codes: a claim or payment on a code limited to an area is answered `OUT_OF_AREA` with
 * field `location` when it carries no location. The app asks for the location only then (never up
 * front, so nobody is prompted for a code without a fence) and tries once more with it.
 */
import { needsLocation } from './errors';

export interface GeoPoint {
  lat: number;
  lng: number;
}

/** Gets the device's location; rejects with a `LocationDeniedError` when the person refuses. */
export type Locate = () => Promise<GeoPoint>;

/**
 * Runs `attempt` without a location; when the code asks for one, gets it with `locate` and runs
 * `attempt` again with it. Any other failure (including `OUT_OF_AREA` while outside the fence)
 * goes back to the caller unchanged.
 */
export async function withLocation<T>(attempt: (location?: GeoPoint) => Promise<T>, locate: Locate): Promise<T> {
  try {
    return await attempt();
  } catch (error) {
    if (!needsLocation(error)) throw error;
    return attempt(await locate());
  }
}
