"""The organisation's setup: projects, case types, custom attributes, and users."""

from __future__ import annotations

from case_mcp.client._operations import Operations, check_page_size
from case_mcp.client._paths import api_path
from case_mcp.models import (
    CaseType,
    CaseTypesDocument,
    CustomAttributeConfig,
    CustomAttributeConfigsDocument,
    Project,
    ProjectCreate,
    ProjectDocument,
    ProjectsDocument,
    User,
    UserDocument,
    UserPage,
    UsersDocument,
)


class OrganisationOperations(Operations):
    """The operations on what cases refer to: projects, case types, attributes, users."""

    async def get_projects(self) -> list[Project]:
        """All projects of the organisation."""
        return (await self._call(ProjectsDocument, "GET", "/api/v2/cases/projects")).data

    async def get_project(self, project_id: str) -> Project:
        """One project.

        Args:
            project_id: The project's UUID.

        Raises:
            NotFoundError: No such project.
        """
        path = api_path("/api/v2/cases/projects/{}", project_id)
        return (await self._call(ProjectDocument, "GET", path)).data

    async def create_project(self, key: str, name: str) -> Project:
        """Create a project.

        Args:
            key: The prefix of its cases' keys, such as ``SEC``.
            name: Its display name.

        Raises:
            BadRequestError: The key is invalid or already taken.
        """
        body = ProjectCreate(key=key, name=name)
        return (await self._call(ProjectDocument, "POST", "/api/v2/cases/projects", body)).data

    async def delete_project(self, project_id: str) -> None:
        """Delete a project.

        Args:
            project_id: The project's UUID.

        Raises:
            NotFoundError: No such project.
        """
        await self._http.request("DELETE", api_path("/api/v2/cases/projects/{}", project_id))

    async def get_all_case_types(self) -> list[CaseType]:
        """Every case type, Datadog's built-in ones included."""
        return (await self._call(CaseTypesDocument, "GET", "/api/v2/cases/types")).data

    async def get_all_custom_attributes(self) -> list[CustomAttributeConfig]:
        """Every custom attribute configured, across all case types."""
        path = "/api/v2/cases/types/custom_attributes"
        return (await self._call(CustomAttributeConfigsDocument, "GET", path)).data

    async def get_all_custom_attribute_configs_by_case_type(
        self, case_type_id: str
    ) -> list[CustomAttributeConfig]:
        """The custom attributes configured on one case type.

        Args:
            case_type_id: The case type's UUID.

        Raises:
            NotFoundError: No such case type.
        """
        path = api_path("/api/v2/cases/types/{}/custom_attributes", case_type_id)
        return (await self._call(CustomAttributeConfigsDocument, "GET", path)).data

    async def list_users(
        self,
        filter: str | None = None,  # Datadog's parameter name
        *,
        page_size: int = 10,
        page_number: int = 0,
    ) -> UserPage:
        """The organisation's users, one page at a time.

        Args:
            filter: Text to match against names and emails; None for all users.
            page_size: Users per page, 1 to 100.
            page_number: The page to return, counting from 0.

        Raises:
            InvalidRequestError: `page_size` is outside 1..100 (nothing is sent).
        """
        check_page_size(page_size)
        params = {"page[size]": str(page_size), "page[number]": str(page_number)}
        if filter is not None:
            params["filter"] = filter
        document = await self._call(UsersDocument, "GET", "/api/v2/users", params=params)
        return document.to_page(page=page_number, page_size=page_size)

    async def get_user(self, user_id: str) -> User:
        """One user.

        Args:
            user_id: The user's UUID.

        Raises:
            NotFoundError: No such user.
        """
        return (await self._call(UserDocument, "GET", api_path("/api/v2/users/{}", user_id))).data
