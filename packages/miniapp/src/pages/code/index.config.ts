export default definePageConfig({ navigationBarTitleText: '红包码', enableShareAppMessage: true, enableShareTimeline: true });
