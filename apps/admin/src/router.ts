import { can, type Action } from '@gatehouse/domain/permissions';
import {
  createRouter,
  createWebHistory,
  type RouteRecordRaw,
  type Router,
  type RouterHistory,
} from 'vue-router';
import { useSessionStore } from './features/auth/session.store';

declare module 'vue-router' {
  interface RouteMeta {
    title?: string;
    /** Reachable without a session (the sign-in pages). */
    public?: boolean;
    /** The permission the page needs; the guard sends a denied navigation to the Forbidden page. */
    action?: Action;
  }
}

const securityChildren: RouteRecordRaw[] = [
  { path: '', redirect: { name: 'security-authentication' } },
  {
    path: 'authentication',
    name: 'security-authentication',
    component: () => import('./features/security/components/AuthMethodsPanel.vue'),
    meta: { title: 'Authentication methods' },
  },
  {
    path: 'sso',
    name: 'security-sso',
    component: () => import('./features/security/components/SsoPanel.vue'),
    meta: { title: 'SSO connections' },
  },
  {
    path: 'scim',
    name: 'security-scim',
    component: () => import('./features/security/components/ScimPanel.vue'),
    meta: { title: 'SCIM provisioning' },
  },
  {
    path: 'sessions',
    name: 'security-sessions',
    component: () => import('./features/security/components/SessionPolicyPanel.vue'),
    meta: { title: 'Session policy' },
  },
  {
    path: 'ip-allowlist',
    name: 'security-ip-allowlist',
    component: () => import('./features/security/components/IpAllowlistPanel.vue'),
    meta: { title: 'IP allowlist' },
  },
  {
    path: 'egress',
    name: 'security-egress',
    component: () => import('./features/security/components/EgressPanel.vue'),
    meta: { title: 'Egress rules' },
  },
];

const settingsChildren: RouteRecordRaw[] = [
  { path: '', redirect: { name: 'settings-features' } },
  {
    path: 'features',
    name: 'settings-features',
    component: () => import('./features/settings/components/FeatureFlagsPanel.vue'),
    meta: { title: 'Feature flags' },
  },
  {
    path: 'ai',
    name: 'settings-ai',
    component: () => import('./features/settings/components/AiProvidersPanel.vue'),
    meta: { title: 'AI providers' },
  },
  {
    path: 'branding',
    name: 'settings-branding',
    component: () => import('./features/settings/components/BrandingPanel.vue'),
    meta: { title: 'Branding' },
  },
  {
    path: 'integrations',
    name: 'settings-integrations',
    component: () => import('./features/settings/components/IntegrationsPanel.vue'),
    meta: { title: 'Integrations' },
  },
];

// Every page is its own chunk, so the initial bundle holds only the shell (STYLE §7).
export const routes: RouteRecordRaw[] = [
  {
    path: '/sign-in',
    name: 'sign-in',
    component: () => import('./features/auth/SignInPage.vue'),
    meta: { title: 'Sign in', public: true },
  },
  {
    path: '/sign-in/verify',
    name: 'sign-in-verify',
    component: () => import('./features/auth/VerifySignInPage.vue'),
    meta: { title: 'Signing you in', public: true },
  },
  {
    path: '/accept-invitation',
    name: 'accept-invitation',
    component: () => import('./features/auth/AcceptInvitationPage.vue'),
    meta: { title: 'Accept invitation', public: true },
  },
  {
    path: '/',
    name: 'home',
    component: () => import('./features/home/HomePage.vue'),
    meta: { title: 'Home', action: 'tenant:view' },
  },
  {
    path: '/users',
    name: 'users',
    component: () => import('./features/users/UsersPage.vue'),
    meta: { title: 'Users', action: 'user:list' },
  },
  {
    path: '/teams',
    name: 'teams',
    component: () => import('./features/teams/TeamsPage.vue'),
    meta: { title: 'Teams', action: 'team:list' },
  },
  {
    path: '/teams/:teamId',
    name: 'team',
    component: () => import('./features/teams/TeamPage.vue'),
    props: true,
    meta: { title: 'Team', action: 'team:list' },
  },
  {
    path: '/allocation',
    name: 'allocation',
    component: () => import('./features/allocation/AllocationPage.vue'),
    meta: { title: 'Story allocation', action: 'settings:view' },
  },
  {
    path: '/security',
    component: () => import('./features/security/SecurityPage.vue'),
    meta: { title: 'Security', action: 'settings:view' },
    children: securityChildren,
  },
  {
    path: '/audit',
    name: 'audit',
    component: () => import('./features/audit/AuditPage.vue'),
    meta: { title: 'Audit log', action: 'audit:view' },
  },
  {
    path: '/sign-ins',
    name: 'sign-ins',
    component: () => import('./features/sign-ins/SignInsPage.vue'),
    meta: { title: 'Sign-in activity', action: 'signIns:view' },
  },
  {
    path: '/settings',
    component: () => import('./features/settings/SettingsPage.vue'),
    meta: { title: 'Settings', action: 'settings:view' },
    children: settingsChildren,
  },
  {
    path: '/account',
    name: 'account',
    component: () => import('./features/account/AccountPage.vue'),
    meta: { title: 'Your account', action: 'session:listOwn' },
  },
  {
    path: '/forbidden',
    name: 'forbidden',
    component: () => import('./shared/ui/ForbiddenPage.vue'),
    meta: { title: 'Not allowed' },
  },
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('./shared/ui/NotFoundPage.vue'),
    meta: { title: 'Page not found', public: true },
  },
];

export function createAppRouter(history: RouterHistory): Router {
  const router = createRouter({
    history,
    routes,
    scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
  });

  // Route guard (STYLE §4): signed-out visitors go to sign-in and come back; a route whose action the
  // actor may not take shows the Forbidden page instead of a page full of 403s. The server still decides.
  router.beforeEach(async (to) => {
    const session = useSessionStore();
    await session.ensureLoaded();
    if (to.meta.public || session.status === 'error') return true;
    if (!session.actor) {
      return { name: 'sign-in', query: to.fullPath === '/' ? {} : { next: to.fullPath } };
    }
    const action = to.matched.map((record) => record.meta.action).findLast(Boolean);
    if (action && !can(session.actor, action)) {
      return { name: 'forbidden', query: { from: to.fullPath } };
    }
    return true;
  });

  // A page title per route tells screen-reader users that a client-side navigation happened (WCAG 2.4.2).
  router.afterEach((to) => {
    const title = to.matched.map((record) => record.meta.title).findLast(Boolean) ?? to.meta.title;
    document.title = title ? `${title} · Gatehouse` : 'Gatehouse';
  });
  return router;
}

export const router = createAppRouter(createWebHistory(import.meta.env.BASE_URL));
