/** Types for qrcode-terminal 0.12, which ships none. */
declare module 'qrcode-terminal' {
  const qrcode: {
    /** Calls `callback` with the QR code as text; call it as a method (it reads `this`). */
    generate(text: string, options: { small?: boolean }, callback: (qr: string) => void): void;
  };
  export default qrcode;
}
