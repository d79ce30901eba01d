import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import { fetchAuthState } from './api/auth';
import { queryKeys } from './api/queryKeys';
import { AUTH_STALE_MS } from './hooks/useAuth';
import { queryClient } from './lib/queryClient';
import { router } from './router';
import './styles.css';

// The Darwin URL `/experiments` serves this page too: carry it over to the hash route.
if (!window.location.hash && /\/experiments\/?$/.test(window.location.pathname)) window.location.hash = '#/experiments';

// every page waits for the session state: ask for it while the page's own code loads
void queryClient.prefetchQuery({ queryKey: queryKeys.authMe, queryFn: fetchAuthState, staleTime: AUTH_STALE_MS });

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
