// Chart.js, registered once with only the parts the home charts draw; imported only by chart
// components, so it lives in the home route's chunk and never in the shell (issue 7 budget).
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  Tooltip,
} from 'chart.js';

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Filler,
  Legend,
  Tooltip,
);
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
Chart.defaults.color = '#4f5864';
// Motion off for people who ask for less of it.
if (typeof window !== 'undefined' && window.matchMedia?.('(prefers-reduced-motion: reduce)').matches)
  Chart.defaults.animation = false;

/** Colours with at least 3:1 against white, told apart by more than hue (failures also get a pattern-free label). */
export const COLORS = ['#1f5fbf', '#8a5a00', '#1e6b3a', '#6b3fa0', '#0f6e74', '#9c3d6b', '#4f5864'];
export const SUCCESS = '#1f5fbf';
export const FAILURE = '#b3261e';

export { Chart };
