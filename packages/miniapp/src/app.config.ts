export default defineAppConfig({
  pages: [
    'pages/home/index',
    'pages/send/index',
    'pages/code/index',
    'pages/claim/index',
    'pages/detail/index',
    'pages/collect/index',
    'pages/pay/index',
    'pages/history/index',
    'pages/settings/index',
  ],
  // Location is asked for only when a geofenced code needs it (see lib/location.ts).
  permission: { 'scope.userLocation': { desc: '领取或支付限定区域的红包码时，用于确认你在该区域内' } },
  requiredPrivateInfos: ['getLocation'],
  window: {
    backgroundTextStyle: 'light',
    navigationBarBackgroundColor: '#d93a2b',
    navigationBarTitleText: '红包',
    navigationBarTextStyle: 'white',
    backgroundColor: '#fff5f0',
  },
});
