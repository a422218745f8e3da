declare module 'weapp-qrcode' {
  interface DrawQrcodeOptions {
    text: string;
    width?: number;
    height?: number;
    x?: number;
    y?: number;
    canvasId?: string;
    ctx?: unknown;
    typeNumber?: number;
    correctLevel?: number;
    background?: string;
    foreground?: string;
    callback?: (result: unknown) => void;
  }
  export default function drawQrcode(options: DrawQrcodeOptions): void;
}
