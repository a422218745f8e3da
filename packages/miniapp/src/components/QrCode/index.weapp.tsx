import { Canvas } from '@tarojs/components';
import Taro from '@tarojs/taro';
import drawQrcode from 'weapp-qrcode';
import { useEffect, useMemo } from 'react';
import type { QrCodeProps } from './index';

let nextId = 0;
/** Error correction level M in weapp-qrcode's numbering (L 1, M 0, Q 3, H 2). */
const CORRECT_LEVEL_M = 0;

/**
 * The weapp renderer: weapp-qrcode draws the code with the mini-program canvas API, with a white
 * quiet zone around it so any scanner finds it. It redraws whenever the token changes. A canvas
 * cannot be long-pressed to scan; `saveQrImage` exports it as an image for that.
 */
export function QrCode({ text, size = 220, label }: QrCodeProps) {
  const canvasId = useMemo(() => `qr-canvas-${(nextId += 1)}`, []);

  useEffect(() => {
    let cancelled = false;
    // The canvas node reaches the view layer a tick after React commits it.
    Taro.nextTick(() => {
      if (cancelled) return;
      const ctx = Taro.createCanvasContext(canvasId, Taro.getCurrentInstance().page as never);
      const margin = Math.round(size / 10);
      ctx.setFillStyle('#ffffff');
      ctx.fillRect(0, 0, size, size);
      drawQrcode({ ctx, text, width: size - margin * 2, height: size - margin * 2, x: margin, y: margin, correctLevel: CORRECT_LEVEL_M });
    });
    return () => {
      cancelled = true;
    };
  }, [canvasId, text, size]);

  return (
    <Canvas
      className="qr qr__canvas"
      canvasId={canvasId}
      id={canvasId}
      style={{ width: `${size}px`, height: `${size}px` }}
      aria-label={label}
      aria-role="img"
    />
  );
}
