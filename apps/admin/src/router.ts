import { createRouter, createWebHistory } from 'vue-router';

declare module 'vue-router' {
  interface RouteMeta {
    title?: string;
  }
}

// Every page is its own chunk, so the initial bundle holds only the shell (STYLE §7).
export const router = createRouter({
  history: createWebHistory(import.meta.env.BASE_URL),
  routes: [
    {
      path: '/sign-in',
      name: 'sign-in',
      component: () => import('./features/auth/SignInPage.vue'),
      meta: { title: 'Sign in' },
    },
    {
      path: '/',
      name: 'home',
      component: () => import('./features/home/HomePage.vue'),
      meta: { title: 'Home' },
    },
    {
      path: '/:pathMatch(.*)*',
      name: 'not-found',
      component: () => import('./shared/ui/NotFoundPage.vue'),
      meta: { title: 'Page not found' },
    },
  ],
});

// A page title per route tells screen-reader users that a client-side navigation happened (WCAG 2.4.2).
router.afterEach((to) => {
  document.title = to.meta.title ? `${to.meta.title} · Gatehouse` : 'Gatehouse';
});
