/**
 * The frame of every page: header with navigation, theme toggle and the signed-in user, and
 * the sign-in form instead of the page when the server has auth on and no session is open.
 * Part 2 (registry, admin) adds its links to NAV.
 */
import { NavLink, Outlet } from 'react-router';
import { useAuthState, useLogout } from '../hooks/useAuth';
import { useTheme } from '../hooks/useTheme';
import { SignIn } from './SignIn';
import { ErrorBoundary, ErrorState, Loading } from './Status';

const NAV = [{ to: '/experiments', label: 'Experiments' }];

export function Shell() {
  const [theme, toggleTheme] = useTheme();
  const auth = useAuthState();
  const logout = useLogout();
  const signedOut = auth.data?.auth_enabled === true && !auth.data.user;
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <NavLink to="/experiments" className="brand">
          Darwin MLflow
        </NavLink>
        <nav aria-label="Main">
          {NAV.map((item) => (
            <NavLink key={item.to} to={item.to} className={({ isActive }) => (isActive ? 'active' : '')}>
              {item.label}
            </NavLink>
          ))}
        </nav>
        <div className="topbar-end">
          {auth.data?.user && (
            <>
              <span className="user" title="Signed in">
                {auth.data.user.username}
              </span>
              <button type="button" className="link" onClick={() => logout.mutate()}>
                Sign out
              </button>
            </>
          )}
          <button type="button" className="icon" onClick={toggleTheme} aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}>
            {theme === 'dark' ? '☀' : '☾'}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {auth.isPending ? (
          <Loading />
        ) : auth.isError ? (
          <ErrorState error={auth.error} retry={() => void auth.refetch()} />
        ) : signedOut ? (
          <SignIn />
        ) : (
          <ErrorBoundary>
            <Outlet />
          </ErrorBoundary>
        )}
      </main>
    </div>
  );
}
