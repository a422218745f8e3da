/** A point on the earth in decimal degrees (WGS 84, as phones report it). */
export interface LatLng {
  lat: number;
  lng: number;
}

/** Mean earth radius (IUGG), metres. */
const EARTH_RADIUS_METERS = 6_371_008.8;

const radians = (degrees: number) => (degrees * Math.PI) / 180;

/**
 * Great-circle distance in metres by the haversine formula. Treating the earth as a sphere errs by
 * under 0.5%, far below a phone's GPS error at the 10 m to 100 km radii geofences use.
 */
export function distanceMeters(a: LatLng, b: LatLng): number {
  const dLat = radians(b.lat - a.lat);
  const dLng = radians(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(radians(a.lat)) * Math.cos(radians(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_METERS * Math.asin(Math.min(1, Math.sqrt(h)));
}
