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
  window: {
    backgroundTextStyle: 'light',
    navigationBarBackgroundColor: '#d93a2b',
    navigationBarTitleText: '红包',
    navigationBarTextStyle: 'white',
    backgroundColor: '#fff5f0',
  },
});
