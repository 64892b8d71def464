// Great-circle distance in metres, the same formula as the server's geofence
// (ss_geo_distance_m), so "how far" on the device matches what the server decided.
function distanceM(lat1, lng1, lat2, lng2) {
  const r = 6371008.8;
  const rad = Math.PI / 180;
  const dlat = (lat2 - lat1) * rad;
  const dlng = (lng2 - lng1) * rad;
  let h = Math.sin(dlat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dlng / 2) ** 2;
  if (h > 1) h = 1;
  return 2 * r * Math.asin(Math.sqrt(h));
}

// 350 -> "350 米", 1234 -> "1.2 公里"
function formatDistance(m) {
  if (m < 1000) return Math.round(m) + ' 米';
  return (m / 1000).toFixed(1) + ' 公里';
}

module.exports = { distanceM, formatDistance };
