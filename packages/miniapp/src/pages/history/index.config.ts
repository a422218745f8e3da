export default definePageConfig({ navigationBarTitleText: '账单记录' });
