/** `/docs`: Swagger UI over the API's own /openapi.json, bundled here: nothing from a CDN. */
import SwaggerUI from 'swagger-ui-dist/swagger-ui-es-bundle.js';
import 'swagger-ui-dist/swagger-ui.css';

const KEY_STORAGE = 'domain-scout.apiKey';

SwaggerUI({
  url: '/openapi.json',
  dom_id: '#swagger',
  deepLinking: true,
  // the online validator badge would call out to the internet
  validatorUrl: null,
  tryItOutEnabled: false,
  persistAuthorization: true,
  // the dashboard's stored key goes along with "Try it out"
  requestInterceptor: (req: { headers: Record<string, string> }) => {
    const key = localStorage.getItem(KEY_STORAGE);
    if (key && !req.headers['X-API-Key'] && !req.headers['x-api-key']) req.headers['X-API-Key'] = key;
    return req;
  },
});
