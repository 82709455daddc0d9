/**
 * The default theme, plus the live code of the chapter pages: after a chapter's content is in the
 * page, live/page.ts (loaded only in the browser) turns its ```ts blocks into editors with Run.
 */
import { onContentUpdated, useRoute, withBase } from 'vitepress';
import DefaultTheme from 'vitepress/theme';
import { defineComponent, h, onMounted, onUnmounted } from 'vue';
import '../live/live.css';

/** Mounted in every doc page's layout; makes the live blocks of the page in view live. */
const LiveCode = defineComponent({
  name: 'LiveCode',
  setup() {
    const route = useRoute();
    let detach: (() => void) | null = null;
    let attached: Element | null = null;
    const attach = async () => {
      const container = document.querySelector<HTMLElement>('.vp-doc');
      const chapter = /([^/]+?)(\.html)?$/.exec(route.path)?.[1] ?? '';
      const blocks = container?.querySelector('.live-block') ?? null;
      if (blocks === attached) return; // the same content: already live
      detach?.();
      detach = null;
      attached = blocks;
      if (!container || !blocks) return;
      const { attachLive } = await import('../live/page.js');
      const filesBase = new URL(withBase('/files/'), location.href).href;
      detach = attachLive(container, chapter, filesBase);
    };
    // on the first render and after every navigation, once the new page's content is in the DOM
    onContentUpdated(() => void attach());
    onMounted(() => void attach());
    onUnmounted(() => detach?.());
    return () => null;
  },
});

export default {
  extends: DefaultTheme,
  Layout: () => h(DefaultTheme.Layout, null, { 'doc-after': () => h(LiveCode) }),
};
