import { Link } from 'react-router';

export function NotFoundScene() {
  return (
    <div className="status error" role="alert">
      <strong>Not found</strong>
      <p>No page here.</p>
      <Link to="/experiments">Go to the experiments</Link>
    </div>
  );
}
