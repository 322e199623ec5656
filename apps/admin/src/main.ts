import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { useSessionStore } from './features/auth/session.store';
import { router } from './router';
import { setApiHooks } from './shared/api/client';
import './styles.css';

const pinia = createPinia();
const app = createApp(App).use(pinia);

const session = useSessionStore(pinia);
setApiHooks({
  // The session ended (idle timeout, revoked, policy change): back to sign-in, then back here.
  onUnauthorized: () => {
    session.forget();
    const next = router.currentRoute.value.fullPath;
    void router.push({ name: 'sign-in', query: { next, expired: '1' } });
  },
  refreshCsrf: () => session.load(),
});

app.use(router).mount('#app');
