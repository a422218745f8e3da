import { Image } from '@tarojs/components';
import qrcode from 'qrcode-generator';
import { useMemo } from 'react';

export interface QrCodeProps {
  /** What the code holds: the code URL `<base>/c/<token>`. */
  text: string;
  /** Side length in CSS pixels. @default 220 */
  size?: number;
  /** Spoken description of the code. */
  label: string;
}

/**
 * The H5 renderer: qrcode-generator draws the code into a GIF data URL shown as an image, so the
 * browser can save or long-press it. (The weapp build uses `index.weapp.tsx`, drawn with
 * weapp-qrcode on a mini-program canvas.)
 */
export function QrCode({ text, size = 220, label }: QrCodeProps) {
  const src = useMemo(() => {
    const code = qrcode(0, 'M');
    code.addData(text);
    code.make();
    const cell = Math.max(2, Math.floor(size / (code.getModuleCount() + 8)));
    return code.createDataURL(cell, cell * 4);
  }, [text, size]);
  return (
    <Image
      className="qr qr__image"
      src={src}
      mode="aspectFit"
      style={{ width: `${size}px`, height: `${size}px` }}
      aria-label={label}
      role="img"
      data-text={text}
    />
  );
}
