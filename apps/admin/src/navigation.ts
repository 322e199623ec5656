import type { Action } from '@gatehouse/domain/permissions';

export interface NavItem {
  label: string;
  to: string;
  /** Shown only when the actor may take it (members see only what applies to them). */
  action: Action;
}

/** The console's main menu, in the order an owner's day goes (seed 000). */
export const NAV_ITEMS: readonly NavItem[] = [
  { label: 'Home', to: '/', action: 'tenant:view' },
  { label: 'Users', to: '/users', action: 'user:list' },
  { label: 'Teams', to: '/teams', action: 'team:list' },
  { label: 'Story allocation', to: '/allocation', action: 'settings:view' },
  { label: 'Security', to: '/security', action: 'settings:view' },
  { label: 'Audit log', to: '/audit', action: 'audit:view' },
  { label: 'Sign-in activity', to: '/sign-ins', action: 'signIns:view' },
  { label: 'Settings', to: '/settings', action: 'settings:view' },
];
