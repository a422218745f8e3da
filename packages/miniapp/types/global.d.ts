/// <reference types="@tarojs/taro" />

declare module '*.png';
declare module '*.css';

/** The server the weapp build talks to (set with HONGBAO_API_URL at build time). */
declare const HONGBAO_API_URL: string;
/** `dev` or `wechat`: which login provider this build uses (HONGBAO_LOGIN at build time). */
declare const HONGBAO_LOGIN: string;

declare namespace NodeJS {
  interface ProcessEnv {
    TARO_ENV: 'weapp' | 'h5' | undefined;
  }
}

