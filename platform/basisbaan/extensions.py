"""Flask extensions as module singletons, bound to an app with init_app() by the factory."""

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

from basisbaan.models.base import Base
from basisbaan.tenancy import TenantSession

db = SQLAlchemy(model_class=Base, session_options={"class_": TenantSession})
migrate = Migrate()
