export default definePageConfig({ navigationBarTitleText: '领红包', enableShareAppMessage: true, enableShareTimeline: true });
