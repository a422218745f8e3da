import { Canvas, Image, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import drawQrcode from 'weapp-qrcode';
import { useEffect, useMemo, useState } from 'react';
import type { QrCodeProps } from './index';

let nextId = 0;
/** Error correction level M in weapp-qrcode's numbering (L 1, M 0, Q 3, H 2). */
const CORRECT_LEVEL_M = 0;

/**
 * The weapp renderer: weapp-qrcode draws the code with the mini-program canvas API, with a white
 * quiet zone around it so any scanner finds it, and redraws whenever the token changes. A canvas
 * cannot be long-pressed to scan, so each drawing is exported with `canvasToTempFilePath` and
 * shown as an `<Image show-menu-by-longpress>`: long-pressing it offers WeChat's "识别图中二维码".
 * The canvas stays in the page, out of sight, to draw the next token.
 */
export function QrCode({ text, size = 220, label }: QrCodeProps) {
  const canvasId = useMemo(() => `qr-canvas-${(nextId += 1)}`, []);
  const [image, setImage] = useState<{ text: string; path: string } | null>(null);

  useEffect(() => {
    let cancelled = false;
    // The canvas node reaches the view layer a tick after React commits it.
    Taro.nextTick(() => {
      if (cancelled) return;
      const page = Taro.getCurrentInstance().page as never;
      const ctx = Taro.createCanvasContext(canvasId, page);
      const margin = Math.round(size / 10);
      ctx.setFillStyle('#ffffff');
      ctx.fillRect(0, 0, size, size);
      drawQrcode({
        ctx,
        text,
        width: size - margin * 2,
        height: size - margin * 2,
        x: margin,
        y: margin,
        correctLevel: CORRECT_LEVEL_M,
        callback: () => {
          if (cancelled) return;
          Taro.canvasToTempFilePath({ canvasId, x: 0, y: 0, width: size, height: size, fileType: 'png' }, page)
            .then(({ tempFilePath }) => !cancelled && setImage({ text, path: tempFilePath }))
            // Without the export the canvas still shows the code; only long-press is lost.
            .catch(() => undefined);
        },
      });
    });
    return () => {
      cancelled = true;
    };
  }, [canvasId, text, size]);

  const exported = image?.text === text ? image.path : null;
  const box = { width: `${size}px`, height: `${size}px` };
  return (
    <View className="qr" style={box}>
      {exported ? <Image className="qr__image" src={exported} style={box} showMenuByLongpress aria-label={label} aria-role="img" data-text={text} /> : null}
      <Canvas
        className="qr__canvas"
        canvasId={canvasId}
        id={canvasId}
        style={exported ? { ...box, position: 'fixed', left: '-9999px', top: '0' } : box}
        aria-label={label}
        aria-role="img"
        aria-hidden={exported ? 'true' : undefined}
      />
    </View>
  );
}
