/**
 * Site settings (`settings.json` beside index.html; edit it in the build or the export): language, lean mode, and
 * the site's own imagery (XYZ or WMTS tile server on its network, e.g. Tianditu with the site's key) and 3D Tiles
 * (oblique photography). Both are off by default so that nothing leaves the page's origin. See viewer/README.md.
 */
export interface SiteSettings {
  language: 'zh-CN' | 'en';
  lean: boolean;
  imagery: {
    enabled: boolean;
    type: 'xyz' | 'wmts';
    url: string;
    minimumLevel?: number;
    maximumLevel?: number;
    credit?: string;
    wmts?: { layer: string; style: string; tileMatrixSetID: string; format?: string };
  };
  tiles3d: { enabled: boolean; url: string };
}

export const defaultSettings: SiteSettings = {
  language: 'zh-CN',
  lean: false,
  imagery: { enabled: false, type: 'xyz', url: '' },
  tiles3d: { enabled: false, url: '' },
};

/**
 * Loads settings.json (missing file → defaults); unknown keys are ignored, wrong types reported in the console.
 * @example
 * // in the page: `const s = await loadSettings(); if (s.tiles3d.enabled) ...`. Without a settings.json to fetch
 * // (here: Node, where a relative URL cannot be fetched at all) every setting keeps its default
 * await loadSettings() // => defaultSettings
 * defaultSettings.tiles3d // => { enabled: false, url: '' }
 */
export async function loadSettings(): Promise<SiteSettings> {
  try {
    const res = await fetch('settings.json');
    if (!res.ok) return defaultSettings;
    const raw = (await res.json()) as Partial<SiteSettings>;
    return {
      language: raw.language === 'en' ? 'en' : 'zh-CN',
      lean: raw.lean === true,
      imagery: { ...defaultSettings.imagery, ...(raw.imagery ?? {}) },
      tiles3d: { ...defaultSettings.tiles3d, ...(raw.tiles3d ?? {}) },
    };
  } catch {
    return defaultSettings;
  }
}
